import * as tf from '@tensorflow/tfjs-core';
import { MOVING_STATISTICS_KERNEL } from '@unet/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { nativeAddonStatus } from '../addon_status.js';
import { movingStatisticsKernelName } from './moving_statistics.js';

const status = nativeAddonStatus();

describe('moving statistics kernel name', () => {
  it("is the one @unet/model's BatchNormalization looks for", () => {
    expect(movingStatisticsKernelName).toBe(MOVING_STATISTICS_KERNEL);
  });
});

describe.skipIf(!status.available)('UnetMovingStatistics (both moving statistics in one call)', () => {
  beforeAll(async () => {
    await import('../index.js');
  });

  // BatchNormalization's ops, on cpu.
  function byOps(inputs: Float32Array[], momentum: number, varianceScale: number): Float32Array[] {
    tf.setBackend('cpu');
    return tf.tidy(() => {
      const [movingMean, movingVariance, mean, variance] = inputs.map((values) => tf.tensor1d(values));
      const unbiased = varianceScale === 1 ? variance! : tf.mul(variance!, varianceScale);
      return [
        tf.add(tf.mul(movingMean!, 1 - momentum), tf.mul(mean!, momentum)),
        tf.add(tf.mul(movingVariance!, 1 - momentum), tf.mul(unbiased, momentum)),
      ].map((tensor) => tensor.dataSync() as Float32Array);
    });
  }

  for (const varianceScale of [1, 4096 / 4095]) {
    it(`gives the cpu ops' new mean and variance bit for bit (variance scale ${varianceScale.toFixed(5)})`, () => {
      tf.setBackend('cpu');
      const inputs = [1, 2, 3, 4].map((seed) =>
        tf.tidy(() => tf.abs(tf.randomNormal([48], 0, 2, 'float32', seed)).dataSync() as Float32Array),
      );
      const expected = byOps(inputs, 0.1, varianceScale);
      tf.setBackend('native');
      const actual = tf.tidy(() => {
        const [movingMean, movingVariance, mean, variance] = inputs.map((values) => tf.tensor1d(values));
        const outputs = tf
          .engine()
          .runKernel(
            MOVING_STATISTICS_KERNEL,
            { movingMean: movingMean!, movingVariance: movingVariance!, mean: mean!, variance: variance! },
            {
              momentum: 0.1,
              varianceScale,
            } as unknown as tf.NamedAttrMap,
          ) as tf.Tensor[];
        return outputs.map((tensor) => tensor.dataSync() as Float32Array);
      });
      expect(actual.map((values) => Array.from(values))).toEqual(expected.map((values) => Array.from(values)));
    });
  }
});
