import * as tf from '@tensorflow/tfjs-core';
import '@unet/core';
import { describeWithBackends, expectArraysClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { LossArgumentError } from '../errors.js';
import { weightedCrossEntropy } from './weighted_cross_entropy.js';

// One 2x2 image, 2 classes, worked by hand:
//   (0,0) logits [0, 0],     label 0:   p = 1/2,  -log p = ln 2
//   (0,1) logits [ln 3, 0],  label 0:   p = 3/4,  -log p = ln 4 - ln 3
//   (1,0) logits [ln 3, 0],  label 1:   p = 1/4,  -log p = ln 4
//   (1,1) logits [5, -5],    label 255: ignored
const { LN2, log } = Math;
const LN3 = log(3);
const logitValues = [0, 0, LN3, 0, LN3, 0, 5, -5];
const labelValues = [0, 0, 1, 255];
const weightValues = [2, 1, 3, 100];

function inputs() {
  return {
    logits: tf.tensor4d(logitValues, [1, 2, 2, 2]),
    labels: tf.tensor3d(labelValues, [1, 2, 2], 'int32'),
    weights: tf.tensor3d(weightValues, [1, 2, 2]),
  };
}

describeWithBackends('weightedCrossEntropy', () => {
  it('is the mean of -log p over the non-ignored pixels without weights: (5 ln 2 - ln 3) / 3', () => {
    const { logits, labels } = inputs();
    const loss = weightedCrossEntropy(logits, { labels });
    expectArraysClose(loss, [(5 * LN2 - LN3) / 3], 1e-6);
  });

  it('divides by the sum of weights by default: (2 ln 2 + (ln 4 - ln 3) + 3 ln 4) / 6', () => {
    const { logits, labels, weights } = inputs();
    const loss = weightedCrossEntropy(logits, { labels, weights });
    expectArraysClose(loss, [(10 * LN2 - LN3) / 6], 1e-6);
  });

  it("divides by the counted pixels with normalization 'pixels': (10 ln 2 - ln 3) / 3", () => {
    const { logits, labels, weights } = inputs();
    const loss = weightedCrossEntropy(logits, { labels, weights }, { normalization: 'pixels' });
    expectArraysClose(loss, [(10 * LN2 - LN3) / 3], 1e-6);
  });

  it('counts label 255 as a class when ignoreLabel is null (then it is out of range: 0 one-hot)', () => {
    // With nothing ignored, the 255 pixel has an all-zero one-hot row: -log p = 0, but it counts.
    const { logits, labels } = inputs();
    const loss = weightedCrossEntropy(logits, { labels }, { ignoreLabel: null });
    expectArraysClose(loss, [(5 * LN2 - LN3) / 4], 1e-6);
  });

  it('is 0 when every pixel is ignored', () => {
    const loss = weightedCrossEntropy(tf.zeros([1, 2, 2, 2]) as tf.Tensor4D, {
      labels: tf.fill([1, 2, 2], 255, 'int32') as tf.Tensor3D,
    });
    expectArraysClose(loss, [0], 0);
  });

  it('has the gradient w (p - onehot) / sum w, and matches central differences', () => {
    const { logits, labels, weights } = inputs();
    const f = (z: tf.Tensor4D) => weightedCrossEntropy(z, { labels, weights });
    const gradient = tf.grad((z) => f(z as tf.Tensor4D))(logits);
    // By hand, sum w = 6: pixel (0,0): 2 (1/2 - 1, 1/2) / 6; (0,1): 1 (3/4 - 1, 1/4) / 6;
    // (1,0): 3 (3/4, 1/4 - 1) / 6; (1,1) ignored: 0.
    const byHand = [-1 / 6, 1 / 6, -1 / 24, 1 / 24, 3 / 8, -3 / 8, 0, 0];
    expectArraysClose(gradient, byHand, 1e-6);
    // Central differences of the loss itself, in float32: the error of the estimate is
    // O(h^2) plus rounding O(eps_float / h); h = 1e-2 gives about 1e-4.
    const h = 1e-2;
    const base = logits.dataSync();
    const numeric = Array.from(base, (_, index) => {
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[index] += h;
      minus[index] -= h;
      const up = f(tf.tensor4d(plus, logits.shape)).dataSync()[0];
      const down = f(tf.tensor4d(minus, logits.shape)).dataSync()[0];
      return (up - down) / (2 * h);
    });
    expectArraysClose(gradient, numeric, 5e-4);
  });

  it('rejects labels of another size than the logits, naming both shapes', () => {
    const { logits } = inputs();
    const labels = tf.zeros([1, 3, 3], 'int32') as tf.Tensor3D;
    expect(() => weightedCrossEntropy(logits, { labels })).toThrow(LossArgumentError);
    expect(() => weightedCrossEntropy(logits, { labels })).toThrow(/\[1,3,3\].*\[1,2,2,2\]/);
  });

  it('rejects float labels', () => {
    const { logits } = inputs();
    const labels = tf.zeros([1, 2, 2]) as tf.Tensor3D;
    expect(() => weightedCrossEntropy(logits, { labels })).toThrow(/int32/);
  });
});
