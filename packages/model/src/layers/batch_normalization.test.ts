import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@unet/core/register-gradients';
import { describeWithBackends, expectTensorsClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { batchNormTraining } from './batch_normalization.js';

/**
 * Float64 reference of training-mode batch norm and its gradients, written from the
 * definition (not from the closed form the op uses): y = gamma * xhat + beta (then max(0, y)
 * with relu), and the
 * gradient of L = sum(y * dy) by the chain rule through mean and variance.
 */
function reference(x: Float32Array, shape: number[], gamma: Float32Array, beta: Float32Array, upstream: Float32Array, relu = false) {
  const channels = shape[3]!;
  const count = x.length / channels;
  const y = new Float64Array(x.length);
  const dx = new Float64Array(x.length);
  const dGamma = new Float64Array(channels);
  const dBeta = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    let mean = 0;
    for (let i = c; i < x.length; i += channels) mean += x[i]!;
    mean /= count;
    let variance = 0;
    for (let i = c; i < x.length; i += channels) variance += (x[i]! - mean) ** 2;
    variance /= count;
    const s = 1 / Math.sqrt(variance + 1e-5);
    // After a ReLU, the gradient reaches the normalisation only where its output is positive.
    const dy = Float64Array.from(upstream);
    for (let i = c; i < x.length; i += channels) {
      if (relu && !(gamma[c]! * (x[i]! - mean) * s + beta[c]! > 0)) dy[i] = 0;
    }
    // dL/dxhat = dy * gamma; dL/dvar = sum(dL/dxhat * (x - mean)) * -s^3 / 2;
    // dL/dmean = -s sum(dL/dxhat) (the variance term's mean derivative sums to 0).
    let dVariance = 0;
    let dMean = 0;
    for (let i = c; i < x.length; i += channels) {
      const dXhat = dy[i]! * gamma[c]!;
      dVariance += dXhat * (x[i]! - mean) * -0.5 * s ** 3;
      dMean += -dXhat * s;
      const xhat = (x[i]! - mean) * s;
      y[i] = relu ? Math.max(0, gamma[c]! * xhat + beta[c]!) : gamma[c]! * xhat + beta[c]!;
      dGamma[c] += dy[i]! * xhat;
      dBeta[c] += dy[i]!;
    }
    for (let i = c; i < x.length; i += channels) {
      dx[i] = dy[i]! * gamma[c]! * s + (dVariance * 2 * (x[i]! - mean)) / count + dMean / count;
    }
  }
  return { y, dx, dGamma, dBeta };
}

describeWithBackends('batchNormTraining', () => {
  for (const { name, offset, spread, relu } of [
    { name: 'centred activations', offset: 0, spread: 1, relu: false },
    // A mean 200 times the spread: sum(dy x) - mean sum(dy) would lose most digits here.
    { name: 'a large mean next to a small spread', offset: 100, spread: 0.5, relu: false },
    { name: 'followed by a ReLU', offset: 0.2, spread: 1, relu: true },
  ]) {
    it(`matches the float64 definition in value and all three gradients (${name})`, async () => {
      const shape: [number, number, number, number] = [2, 5, 4, 3];
      const x = tf.tidy(() => tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 11), spread), offset)) as tf.Tensor4D;
      const gamma = tf.tensor1d([0.5, 1.5, -2]);
      const beta = tf.tensor1d([0.1, -0.3, 2]);
      const dy = tf.randomNormal(shape, 0, 1, 'float32', 12) as tf.Tensor4D;
      const expected = reference(
        x.dataSync() as Float32Array,
        shape,
        gamma.dataSync() as Float32Array,
        beta.dataSync() as Float32Array,
        dy.dataSync() as Float32Array,
        relu,
      );
      const op = batchNormTraining(undefined, { relu });
      const y = op(x, gamma, beta);
      const [dx, dGamma, dBeta] = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.mul(op(a as tf.Tensor4D, b as tf.Tensor1D, c as tf.Tensor1D), dy)),
      )([x, gamma, beta]);
      expectTensorsClose(y, { shape, values: expected.y }, 2e-4, 1e-4);
      expectTensorsClose(dx!, { shape, values: expected.dx }, 2e-4, 1e-3);
      expectTensorsClose(dGamma!, { shape: [3], values: expected.dGamma }, 2e-4, 1e-3);
      expectTensorsClose(dBeta!, { shape: [3], values: expected.dBeta }, 1e-4, 1e-5);
      tf.dispose([x, gamma, beta, dy, y, dx!, dGamma!, dBeta!]);
    });
  }

  it('reports the batch mean and biased variance, and leaks no tensor in the backward pass', () => {
    const x = tf.tensor4d([1, 2, 3, 6], [1, 2, 2, 1]);
    const gamma = tf.ones([1]) as tf.Tensor1D;
    const beta = tf.zeros([1]) as tf.Tensor1D;
    let seen: { mean: number; variance: number; count: number } | undefined;
    const op = batchNormTraining((mean, variance, count) => {
      seen = { mean: mean.dataSync()[0]!, variance: variance.dataSync()[0]!, count };
    });
    const before = tf.memory().numTensors;
    const gradients = tf.grads((a: tf.Tensor) => tf.sum(tf.square(op(a as tf.Tensor4D, gamma, beta))))([x]);
    expect(seen).toEqual({ mean: 3, variance: 3.5, count: 4 });
    expect(tf.memory().numTensors - before).toBe(gradients.length);
    tf.dispose([x, gamma, beta, ...gradients]);
  });
});
