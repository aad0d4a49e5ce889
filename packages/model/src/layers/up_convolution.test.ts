import * as tf from '@tensorflow/tfjs-core';
import '@unet/core/register-gradients';
import { describeWithBackends, expectTensorsClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { ParameterStore } from '../parameters.js';
import { BuildContext } from './build_context.js';
import { UpConvolution, hasUpConvolutionConcatKernel } from './up_convolution.js';

describeWithBackends('UpConvolution', () => {
  it('equals a 2x2 stride-2 transposed convolution with the same kernel', () => {
    const store = new ParameterStore();
    const layer = new UpConvolution(new BuildContext(store, 1), 'up', 6, 3);
    store.get('up/bias').assign(tf.tensor1d([0.5, -1, 2]));
    const x = tf.randomNormal([2, 3, 5, 6], 0, 1, 'float32', 2) as tf.Tensor4D;
    const kernel = store.get('up/kernel') as tf.Tensor4D;
    const expected = tf.add(tf.conv2dTranspose(x, kernel, [2, 6, 10, 3], 2, 'valid'), tf.tensor1d([0.5, -1, 2]));
    const actual = layer.apply(x);
    expect(actual.shape).toEqual([2, 6, 10, 3]);
    expectTensorsClose(actual, expected, 1e-5, 1e-5);
    store.dispose();
  });

  it('puts input pixel (i, j) into output pixels (2i + p, 2j + q) with kernel tap (p, q)', () => {
    const store = new ParameterStore();
    const layer = new UpConvolution(new BuildContext(store, 1), 'up', 1, 1);
    store.get('up/kernel').assign(tf.tensor4d([1, 2, 3, 4], [2, 2, 1, 1]));
    const x = tf.tensor4d([1, 10], [1, 1, 2, 1]);
    // By hand: pixel value v becomes [[v, 2v], [3v, 4v]].
    expectTensorsClose(layer.apply(x), { shape: [1, 2, 4, 1], values: [1, 2, 10, 20, 3, 4, 30, 40] });
    store.dispose();
  });

  // The window of a 9 x 12 skip around a 6 x 10 output starts at (1, 1): odd and even margins.
  it('beside a skip: the skip window, then the up-convolution, by a transposed convolution and a slice', () => {
    const store = new ParameterStore();
    const layer = new UpConvolution(new BuildContext(store, 3), 'up', 6, 3);
    store.get('up/bias').assign(tf.tensor1d([0.5, -1, 2]));
    const x = tf.randomNormal([2, 3, 5, 6], 0, 1, 'float32', 4) as tf.Tensor4D;
    const skip = tf.randomNormal([2, 9, 12, 4], 0, 1, 'float32', 5) as tf.Tensor4D;
    const kernel = store.get('up/kernel') as tf.Tensor4D;
    const up = (input: tf.Tensor4D) => tf.add(tf.conv2dTranspose(input, kernel, [2, 6, 10, 3], 2, 'valid'), tf.tensor1d([0.5, -1, 2]));
    const expected = tf.concat([tf.slice(skip, [0, 1, 1, 0], [2, 6, 10, 4]), up(x)], 3);
    const actual = layer.applyBesideSkip(x, skip);
    expect(actual.shape).toEqual([2, 6, 10, 7]);
    expectTensorsClose(actual, expected, 1e-5, 1e-5);
    // Under a gradient it runs the ops, whose gradient is the transposed convolution's.
    const dy = tf.randomNormal([2, 6, 10, 7], 0, 1, 'float32', 6);
    const gradient = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(layer.applyBesideSkip(input as tf.Tensor4D, skip), dy)))(x);
    const expectedGradient = tf.grad((input: tf.Tensor) =>
      tf.sum(tf.mul(tf.slice(dy, [0, 0, 0, 4], [2, 6, 10, 3]), up(input as tf.Tensor4D))),
    )(x);
    expectTensorsClose(gradient, expectedGradient, 1e-4, 1e-4);
    store.dispose();
  });

  it('runs as one kernel where the backend registers it', async () => {
    const store = new ParameterStore();
    const layer = new UpConvolution(new BuildContext(store, 3), 'up', 4, 2);
    const x = tf.randomNormal([1, 2, 2, 4], 0, 1, 'float32', 7) as tf.Tensor4D;
    const skip = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 8) as tf.Tensor4D;
    const profile = await tf.profile(() => tf.tidy(() => layer.applyBesideSkip(x, skip)));
    const kernels = profile.kernels.map((kernel) => kernel.name);
    if (hasUpConvolutionConcatKernel()) expect(kernels).toEqual(['UnetUpConvolutionConcat']);
    else expect(kernels).toContain('Concat');
    tf.dispose([x, skip]);
    store.dispose();
  });
});
