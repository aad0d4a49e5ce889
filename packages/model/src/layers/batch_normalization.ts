import * as tf from '@tensorflow/tfjs-core';
import type { BuildContext } from './build_context.js';

/** PyTorch's defaults, so that the `small` preset matches the PyTorch reference. */
const momentum = 0.1;
const epsilon = 1e-5;

/**
 * Batch normalisation over [batch, height, width] per channel. Training normalises with the
 * batch's statistics and updates the moving ones (unbiased variance, as PyTorch does);
 * inference uses the moving statistics.
 */
export class BatchNormalization {
  private readonly gamma: tf.Variable<tf.Rank.R1>;
  private readonly beta: tf.Variable<tf.Rank.R1>;
  private readonly movingMean: tf.Variable<tf.Rank.R1>;
  private readonly movingVariance: tf.Variable<tf.Rank.R1>;

  constructor(context: BuildContext, name: string, channels: number) {
    this.gamma = context.constantWeight(`${name}/gamma`, tf.ones([channels])) as tf.Variable<tf.Rank.R1>;
    this.beta = context.constantWeight(`${name}/beta`, tf.zeros([channels])) as tf.Variable<tf.Rank.R1>;
    this.movingMean = context.constantWeight(`${name}/moving_mean`, tf.zeros([channels]), false) as tf.Variable<tf.Rank.R1>;
    this.movingVariance = context.constantWeight(
      `${name}/moving_variance`,
      tf.ones([channels]),
      false,
    ) as tf.Variable<tf.Rank.R1>;
  }

  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    if (!training) {
      return tf.batchNorm4d(x, this.movingMean, this.movingVariance, this.beta, this.gamma, epsilon);
    }
    const moments = tf.moments(x, [0, 1, 2]);
    const mean = moments.mean as tf.Tensor1D;
    const variance = moments.variance as tf.Tensor1D;
    const [batch, height, width] = x.shape;
    const count = batch * height * width;
    tf.tidy(() => {
      const unbiased = count > 1 ? tf.mul(variance, count / (count - 1)) : variance;
      this.movingMean.assign(
        tf.add(tf.mul(this.movingMean, 1 - momentum), tf.mul(mean, momentum)),
      );
      this.movingVariance.assign(
        tf.add(tf.mul(this.movingVariance, 1 - momentum), tf.mul(unbiased, momentum)),
      );
    });
    return tf.batchNorm4d(x, mean, variance, this.beta, this.gamma, epsilon);
  }
}
