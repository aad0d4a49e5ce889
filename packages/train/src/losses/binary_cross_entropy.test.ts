import * as tf from '@tensorflow/tfjs-core';
import '@unet/core';
import { describeWithBackends, expectArraysClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { LossArgumentError } from '../errors.js';
import { binaryCrossEntropyWithLogits } from './binary_cross_entropy.js';

const { LN2, log } = Math;
const LN3 = log(3);

describeWithBackends('binaryCrossEntropyWithLogits', () => {
  it('matches a 2x2 case worked by hand', () => {
    // x = 0, y = 1: p = 1/2, ln 2.  x = ln 3, y = 0: p = 3/4, -ln(1/4) = 2 ln 2.
    // x = -ln 3, y = 1: p = 1/4, 2 ln 2.  Label 255: ignored.  Mean: 5 ln 2 / 3.
    const logits = tf.tensor4d([0, LN3, -LN3, 100], [1, 2, 2, 1]);
    const labels = tf.tensor3d([1, 0, 1, 255], [1, 2, 2], 'int32');
    expectArraysClose(binaryCrossEntropyWithLogits(logits, { labels }), [(5 * LN2) / 3], 1e-6);
    // Weights 3, 1, 2 (and 9 on the ignored pixel): (3 ln 2 + 1 * 2 ln 2 + 2 * 2 ln 2) / 6.
    const weights = tf.tensor3d([3, 1, 2, 9], [1, 2, 2]);
    expectArraysClose(binaryCrossEntropyWithLogits(logits, { labels, weights }), [(9 * LN2) / 6], 1e-6);
  });

  it('stays finite for large logits: x = 100 with y = 0 costs 100, x = -100 with y = 0 costs 0', () => {
    const logits = tf.tensor4d([100, -100, 100, -100], [1, 2, 2, 1]);
    const labels = tf.tensor3d([0, 1, 1, 0], [1, 2, 2], 'int32');
    // (100 + 100 + 0 + 0) / 4
    expectArraysClose(binaryCrossEntropyWithLogits(logits, { labels }), [50], 1e-4);
    const gradient = tf.grad((x) => binaryCrossEntropyWithLogits(x as tf.Tensor4D, { labels }))(logits);
    // (sigmoid(x) - y) / 4: 1/4, -1/4, 0, 0
    expectArraysClose(gradient, [0.25, -0.25, 0, 0], 1e-6);
  });

  it('rejects a head with more than one channel', () => {
    const logits = tf.zeros([1, 2, 2, 2]) as tf.Tensor4D;
    const labels = tf.zeros([1, 2, 2], 'int32') as tf.Tensor3D;
    expect(() => binaryCrossEntropyWithLogits(logits, { labels })).toThrow(LossArgumentError);
  });
});
