import * as tf from '@tensorflow/tfjs-core';
import '@unet/core/register-gradients';
import { describeWithBackends, expectTensorsClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { ParameterStore } from '../parameters.js';
import { BuildContext } from './build_context.js';
import { UpConvolution } from './up_convolution.js';

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
});
