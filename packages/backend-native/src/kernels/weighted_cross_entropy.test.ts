import * as tf from '@tensorflow/tfjs-core';
import { WEIGHTED_CROSS_ENTROPY_GRAD_KERNEL, WEIGHTED_CROSS_ENTROPY_KERNEL, weightedCrossEntropy } from '@unet/train';
import { type CrossEntropyCase, crossEntropyCases, maxAbsoluteDifference } from '@unet/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { nativeAddonStatus } from '../addon_status.js';
import { weightedCrossEntropyGradKernelName, weightedCrossEntropyKernelName } from './weighted_cross_entropy.js';

const status = nativeAddonStatus();

function lossAndGradient(backend: string, testCase: CrossEntropyCase): { loss: number; gradient: Float32Array } {
  tf.setBackend(backend);
  const pixels = testCase.shape.slice(0, 3) as [number, number, number];
  return tf.tidy(() => {
    const labels = tf.randomUniform(pixels, 0, testCase.labelRange, 'int32', 2).dataSync() as Int32Array;
    for (let index = 0; index < labels.length; index += 7) labels[index] = 255;
    const logits = tf.randomNormal(testCase.shape, 0, 3, 'float32', 1);
    const target = {
      labels: tf.tensor3d(labels, pixels, 'int32'),
      weights: testCase.weighted ? (tf.randomUniform(pixels, 0.5, 10, 'float32', 3) as tf.Tensor3D) : undefined,
    };
    const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => weightedCrossEntropy(z as tf.Tensor4D, target, testCase.options))(logits);
    return { loss: value.dataSync()[0]!, gradient: grad.dataSync() as Float32Array };
  });
}

describe('weighted cross-entropy kernel names', () => {
  it("are the ones @unet/train's weightedCrossEntropy looks for", () => {
    expect([weightedCrossEntropyKernelName, weightedCrossEntropyGradKernelName]).toEqual([
      WEIGHTED_CROSS_ENTROPY_KERNEL,
      WEIGHTED_CROSS_ENTROPY_GRAD_KERNEL,
    ]);
  });
});

describe.skipIf(!status.available)('UnetWeightedCrossEntropy[Grad] (one pass each way)', () => {
  beforeAll(async () => {
    await import('../index.js');
  });

  for (const testCase of crossEntropyCases) {
    it(`${testCase.name}: the loss and its gradient equal the cpu backend's tfjs ops within relative 1e-5`, () => {
      const expected = lossAndGradient('cpu', testCase);
      const actual = lossAndGradient('native', testCase);
      expect(Math.abs(actual.loss - expected.loss)).toBeLessThanOrEqual(1e-5 * Math.abs(expected.loss));
      const scale = expected.gradient.reduce((largest, value) => Math.max(largest, Math.abs(value)), 0);
      expect(maxAbsoluteDifference(actual.gradient, expected.gradient)).toBeLessThanOrEqual(1e-5 * scale);
    });
  }

  it('is what weightedCrossEntropy runs on native, in two kernels, and leaks no tensors', async () => {
    tf.setBackend('native');
    const logits = tf.randomNormal([1, 8, 8, 2], 0, 1, 'float32', 4);
    const target = { labels: tf.zeros([1, 8, 8], 'int32') as tf.Tensor3D };
    const before = tf.memory().numTensors;
    const profile = await tf.profile(() => {
      const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => weightedCrossEntropy(z as tf.Tensor4D, target))(logits);
      tf.dispose([value, grad]);
    });
    expect(tf.memory().numTensors).toBe(before);
    const names = profile.kernels.map((kernel) => kernel.name).filter((name) => name.startsWith('Unet'));
    expect(names).toEqual([WEIGHTED_CROSS_ENTROPY_KERNEL, WEIGHTED_CROSS_ENTROPY_GRAD_KERNEL]);
    tf.dispose([logits, target.labels]);
  });

  it('is 0 with a zero gradient when every pixel is ignored', () => {
    tf.setBackend('native');
    tf.tidy(() => {
      const logits = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 5);
      const target = { labels: tf.fill([1, 4, 4], 255, 'int32') as tf.Tensor3D };
      const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => weightedCrossEntropy(z as tf.Tensor4D, target))(logits);
      expect(value.dataSync()[0]).toBe(0);
      expect(Array.from(grad.dataSync()).every((entry) => entry === 0)).toBe(true);
    });
  });
});
