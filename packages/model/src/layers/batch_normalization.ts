import * as tf from '@tensorflow/tfjs-core';
import type { BuildContext } from './build_context.js';

/** PyTorch's defaults, so that the `small` preset matches the PyTorch reference. */
const momentum = 0.1;
const epsilon = 1e-5;

type TrainingFunction = (x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D) => tf.Tensor4D;

/**
 * Batch normalisation over [batch, height, width] per channel. Training normalises with the
 * batch's statistics and updates the moving ones (unbiased variance, as PyTorch does);
 * inference uses the moving statistics.
 *
 * Training runs as one custom-gradient op. Written with tf.moments and tf.batchNorm4d, tfjs
 * differentiated it into some twenty activation-sized subtractions, products, tiles and sums
 * per layer, each a fresh array: on the native backend they were the largest part of a small
 * preset train step (docs/benchmarks.md). The closed-form gradient below takes eight passes.
 */
export class BatchNormalization {
  private readonly gamma: tf.Variable<tf.Rank.R1>;
  private readonly beta: tf.Variable<tf.Rank.R1>;
  private readonly movingMean: tf.Variable<tf.Rank.R1>;
  private readonly movingVariance: tf.Variable<tf.Rank.R1>;
  private readonly normaliseForTraining: TrainingFunction;

  constructor(context: BuildContext, name: string, channels: number) {
    this.gamma = context.constantWeight(`${name}/gamma`, tf.ones([channels])) as tf.Variable<tf.Rank.R1>;
    this.beta = context.constantWeight(`${name}/beta`, tf.zeros([channels])) as tf.Variable<tf.Rank.R1>;
    this.movingMean = context.constantWeight(`${name}/moving_mean`, tf.zeros([channels]), false) as tf.Variable<tf.Rank.R1>;
    this.movingVariance = context.constantWeight(
      `${name}/moving_variance`,
      tf.ones([channels]),
      false,
    ) as tf.Variable<tf.Rank.R1>;
    this.normaliseForTraining = batchNormTraining((mean, variance, count) => this.updateMovingStatistics(mean, variance, count));
  }

  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    if (!training) {
      return tf.batchNorm4d(x, this.movingMean, this.movingVariance, this.beta, this.gamma, epsilon);
    }
    return this.normaliseForTraining(x, this.gamma, this.beta);
  }

  private updateMovingStatistics(mean: tf.Tensor1D, variance: tf.Tensor1D, count: number): void {
    tf.tidy(() => {
      const unbiased = count > 1 ? tf.mul(variance, count / (count - 1)) : variance;
      this.movingMean.assign(tf.add(tf.mul(this.movingMean, 1 - momentum), tf.mul(mean, momentum)));
      this.movingVariance.assign(tf.add(tf.mul(this.movingVariance, 1 - momentum), tf.mul(unbiased, momentum)));
    });
  }
}

/**
 * Training-mode batch norm y = gamma (x - mean) / sqrt(variance + epsilon) + beta with the
 * batch's (biased) statistics, as a custom-gradient op; `onStatistics` sees the batch mean and
 * variance of each forward pass (for the moving averages). With N values per channel,
 * c = x - mean, s = 1 / sqrt(variance + epsilon) and the per-channel sums
 * S1 = sum(dy), S2 = sum(dy c):
 *   dbeta = S1,  dgamma = s S2,
 *   dx = gamma s (dy - S1 / N - c s^2 S2 / N).
 * The centred c is formed once rather than using sum(dy x) - mean S1, which cancels badly when
 * the mean is large next to the spread.
 */
export function batchNormTraining(
  onStatistics: (mean: tf.Tensor1D, variance: tf.Tensor1D, count: number) => void = () => {},
): TrainingFunction {
  return tf.customGrad((...args) => {
    const [x, gamma, beta, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const [batch, height, width] = x.shape;
    const count = batch * height * width;
    const [y, mean, inverseDeviation] = tf.tidy(() => {
      const mean = tf.mean(x, [0, 1, 2]) as tf.Tensor1D;
      const variance = tf.mean(tf.squaredDifference(x, mean), [0, 1, 2]) as tf.Tensor1D;
      onStatistics(mean, variance, count);
      return [
        tf.batchNorm4d(x, mean, variance, beta, gamma, epsilon),
        mean,
        tf.rsqrt(tf.add(variance, epsilon)) as tf.Tensor1D,
      ];
    });
    save([x, mean, inverseDeviation, gamma]);
    return {
      value: y,
      // tfjs does not run a custom gradient inside a tidy scope; without one, every
      // temporary of the backward pass would stay allocated.
      gradFunc: (dy, saved) =>
        tf.tidy(() => {
          const [savedX, savedMean, s, savedGamma] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
          const upstream = dy as tf.Tensor4D;
          const centred = tf.sub(savedX, savedMean);
          const sumUpstream = tf.sum(upstream, [0, 1, 2]);
          const sumUpstreamCentred = tf.sum(tf.mul(upstream, centred), [0, 1, 2]);
          const scale = tf.mul(savedGamma, s);
          const centredScale = tf.mul(tf.mul(scale, tf.square(s)), tf.div(sumUpstreamCentred, -count));
          const shift = tf.mul(scale, tf.div(sumUpstream, -count));
          const dx = tf.add(tf.mul(upstream, scale), tf.add(tf.mul(centred, centredScale), shift));
          return [dx, tf.mul(s, sumUpstreamCentred), sumUpstream];
        }),
    };
  }) as TrainingFunction;
}
