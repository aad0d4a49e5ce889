import * as tf from '@tensorflow/tfjs-core';
import '@unet/core/register-gradients';
import { describeWithBackends, expectTensorsClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { ParameterStore } from '../parameters.js';
import { BuildContext } from './build_context.js';
import { UpConvolution, hasUpConvolutionConcatGradKernel, hasUpConvolutionConcatKernel } from './up_convolution.js';

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
    const kernel = store.get('up/kernel') as tf.Variable<tf.Rank.R4>;
    const up = (input: tf.Tensor4D) => tf.add(tf.conv2dTranspose(input, kernel, [2, 6, 10, 3], 2, 'valid'), tf.tensor1d([0.5, -1, 2]));
    const expected = tf.concat([tf.slice(skip, [0, 1, 1, 0], [2, 6, 10, 4]), up(x)], 3);
    const actual = layer.applyBesideSkip(x, skip);
    expect(actual.shape).toEqual([2, 6, 10, 7]);
    expectTensorsClose(actual, expected, 1e-5, 1e-5);
    // Under a gradient (ops, or the kernel and its gradient kernel where the backend has both):
    // the gradients of x, the skip, the kernel and the bias, as the transposed convolution's.
    const dy = tf.randomNormal([2, 6, 10, 7], 0, 1, 'float32', 6);
    const bias = store.get('up/bias');
    const loss = (input: tf.Tensor, skipInput: tf.Tensor) =>
      tf.sum(tf.mul(layer.applyBesideSkip(input as tf.Tensor4D, skipInput as tf.Tensor4D), dy));
    const [dx, dskip] = tf.grads(loss)([x, skip]);
    const { grads } = tf.variableGrads(() => loss(x, skip) as tf.Scalar, [kernel, bias]);
    // The reference is the ops path (layer.apply, which the first test checks against the
    // transposed convolution): wasm has no kernel gradient of conv2dTranspose itself.
    const reference = (input: tf.Tensor, skipInput: tf.Tensor) =>
      tf.sum(tf.mul(tf.concat([tf.slice(skipInput, [0, 1, 1, 0], [2, 6, 10, 4]), layer.apply(input as tf.Tensor4D)], 3), dy));
    const [expectedDx, expectedDskip] = tf.grads(reference)([x, skip]);
    const expectedWeights = tf.variableGrads(() => reference(x, skip) as tf.Scalar, [kernel, bias]).grads;
    const expectedGradients = [expectedDx, expectedDskip, expectedWeights[kernel.name], expectedWeights[bias.name]];
    for (const [index, gradient] of [dx, dskip, grads[kernel.name], grads[bias.name]].entries()) {
      expectTensorsClose(gradient!, expectedGradients[index]!, 1e-4, 1e-4);
    }
    store.dispose();
  });

  it('runs as one kernel where the backend registers it, and its gradient as one more', async () => {
    const store = new ParameterStore();
    const layer = new UpConvolution(new BuildContext(store, 3), 'up', 4, 2);
    const x = tf.randomNormal([1, 2, 2, 4], 0, 1, 'float32', 7) as tf.Tensor4D;
    const skip = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 8) as tf.Tensor4D;
    const profile = await tf.profile(() => tf.tidy(() => layer.applyBesideSkip(x, skip)));
    const kernels = profile.kernels.map((kernel) => kernel.name);
    if (hasUpConvolutionConcatKernel()) expect(kernels).toEqual(['UnetUpConvolutionConcat']);
    else expect(kernels).toContain('Concat');
    const trained = await tf.profile(() =>
      tf.tidy(() => tf.grads((input: tf.Tensor) => tf.sum(layer.applyBesideSkip(input as tf.Tensor4D, skip)))([x])),
    );
    const trainedKernels = trained.kernels.map((kernel) => kernel.name);
    if (hasUpConvolutionConcatGradKernel())
      expect(trainedKernels).toEqual(expect.arrayContaining(['UnetUpConvolutionConcat', 'UnetUpConvolutionConcatGrad']));
    else expect(trainedKernels).toContain('Concat');
    expect(trainedKernels).not.toContain(hasUpConvolutionConcatGradKernel() ? 'Concat' : 'UnetUpConvolutionConcatGrad');
    tf.dispose([x, skip]);
    store.dispose();
  });
});
