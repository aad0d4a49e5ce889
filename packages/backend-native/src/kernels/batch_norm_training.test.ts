import * as tf from '@tensorflow/tfjs-core';
import '@unet/core/register-gradients';
import { BATCH_NORM_TRAINING_GRAD_KERNEL, BATCH_NORM_TRAINING_KERNEL } from '@unet/model';
import { maxAbsoluteDifference } from '@unet/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { nativeAddonStatus } from '../addon_status.js';
import { batchNormTrainingGradKernelName, batchNormTrainingKernelName } from './batch_norm_training.js';

const status = nativeAddonStatus();

describe('batch norm training kernel names', () => {
  it("are the ones @unet/model's batch norm looks for", () => {
    expect(batchNormTrainingKernelName).toBe(BATCH_NORM_TRAINING_KERNEL);
    expect(batchNormTrainingGradKernelName).toBe(BATCH_NORM_TRAINING_GRAD_KERNEL);
  });
});

describe.skipIf(!status.available)('batch norm training kernels', () => {
  beforeAll(async () => {
    await import('../index.js');
    await tf.setBackend('native');
  });

  it("give the statistics, ReLU output and gradients of tfjs's own ops differentiated by tfjs, over 4 x 64 x 64 x 16 (mean 50)", () => {
    const x = tf.add(tf.mul(tf.randomNormal([4, 64, 64, 16], 0, 1, 'float32', 1), 3), 50) as tf.Tensor4D;
    const dy = tf.randomNormal([4, 64, 64, 16], 0, 1, 'float32', 2) as tf.Tensor4D;
    const gamma = tf.randomUniform([16], 0.5, 1.5, 'float32', 3) as tf.Tensor1D;
    const beta = tf.randomUniform([16], -0.5, 0.5, 'float32', 4) as tf.Tensor1D;
    const engine = tf.engine();
    const [y, mean, variance] = engine.runKernel(BATCH_NORM_TRAINING_KERNEL, { x, gamma, beta }, {
      epsilon: 1e-5,
      relu: true,
    } as unknown as tf.NamedAttrMap) as tf.Tensor[];
    const [dx, dgamma, dbeta] = engine.runKernel(
      BATCH_NORM_TRAINING_GRAD_KERNEL,
      { dy, x, y: y!, gamma, mean: mean!, variance: variance! },
      { epsilon: 1e-5 } as unknown as tf.NamedAttrMap,
    ) as tf.Tensor[];
    // The reference: tfjs ops differentiated by tfjs (moments, batchNorm4d, relu).
    const reference = tf.tidy(() => {
      const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
        const moments = tf.moments(a, [0, 1, 2]);
        return tf.relu(
          tf.batchNorm4d(
            a as tf.Tensor4D,
            moments.mean as tf.Tensor1D,
            moments.variance as tf.Tensor1D,
            c as tf.Tensor1D,
            b as tf.Tensor1D,
            1e-5,
          ),
        );
      };
      const moments = tf.moments(x, [0, 1, 2]);
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(f(a, b, c), dy)))([x, gamma, beta]);
      return { y: f(x, gamma, beta), mean: moments.mean, variance: moments.variance, grads };
    });
    expect(maxAbsoluteDifference(mean!, reference.mean)).toBeLessThan(1e-4);
    expect(maxAbsoluteDifference(variance!, reference.variance)).toBeLessThan(1e-3);
    expect(maxAbsoluteDifference(y!, reference.y)).toBeLessThan(1e-4);
    expect(maxAbsoluteDifference(dx!, reference.grads[0]!)).toBeLessThan(1e-4);
    // Sums over 65,536 values per channel: compare relative to their size.
    expect(maxAbsoluteDifference(dgamma!, reference.grads[1]!)).toBeLessThan(
      1e-3 * Math.max(...(tf.abs(reference.grads[1]!).dataSync() as Float32Array)),
    );
    expect(maxAbsoluteDifference(dbeta!, reference.grads[2]!)).toBeLessThan(
      1e-3 * Math.max(...(tf.abs(reference.grads[2]!).dataSync() as Float32Array)),
    );
  });
});
