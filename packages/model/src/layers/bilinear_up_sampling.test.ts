import * as tf from '@tensorflow/tfjs-core';
import '@unet/core/register-gradients';
import { describeWithBackends, expectTensorsClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { doubleBilinear } from './bilinear_up_sampling.js';

describeWithBackends('doubleBilinear', () => {
  it('equals resizeBilinear to twice the size with half-pixel centres', () => {
    for (const [height, width] of [
      [1, 1],
      [1, 3],
      [4, 5],
      [7, 2],
    ]) {
      const x = tf.randomNormal([2, height, width, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
      const expected = tf.image.resizeBilinear(x, [2 * height, 2 * width], false, true);
      expectTensorsClose(doubleBilinear(x), expected, 1e-5, 1e-5);
    }
  });

  it('has the hand-computed values of a 1x2 row', () => {
    // [a, b] -> [a, 3a/4 + b/4, a/4 + 3b/4, b] in both rows.
    const x = tf.tensor4d([0, 4], [1, 1, 2, 1]);
    expectTensorsClose(doubleBilinear(x), { shape: [1, 2, 4, 1], values: [0, 1, 3, 4, 0, 1, 3, 4] });
  });

  it('has the transposed interpolation as its gradient', () => {
    // d/dx sum(w * up(x)): each input pixel collects 3/4 and 1/4 of its outputs' weights.
    const x = tf.tensor4d([0, 4], [1, 1, 2, 1]);
    const weights = tf.tensor4d([1, 2, 3, 4, 0, 0, 0, 0], [1, 2, 4, 1]);
    const gradient = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(doubleBilinear(input as tf.Tensor4D), weights)))(x);
    // Row weights sum per column over the two output rows: [1, 2, 3, 4].
    // Input 0 gets 1 (edge, all) + 2 * 3/4 + 3 * 1/4 = 3.25; input 1 gets 2 * 1/4 + 3 * 3/4 + 4 = 6.75.
    expect(Array.from(gradient.dataSync())).toEqual([3.25, 6.75]);
  });
});
