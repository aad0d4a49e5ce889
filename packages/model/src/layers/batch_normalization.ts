import * as tf from '@tensorflow/tfjs-core';
import { BATCH_NORM_TRAINING_GRAD_KERNEL, BATCH_NORM_TRAINING_KERNEL } from './batch_norm_kernels.js';
import { MOVING_STATISTICS_KERNEL, type MovingStatisticsAttributes, hasMovingStatisticsKernel } from './moving_statistics_kernels.js';
import type { BuildContext } from './build_context.js';

/** PyTorch's defaults, so that the `small` preset matches the PyTorch reference. */
const momentum = 0.1;
const epsilon = 1e-5;

type TrainingFunction = (x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D) => tf.Tensor4D;

/**
 * Batch normalisation over [batch, height, width] per channel, optionally followed by ReLU.
 * Training normalises with the batch's statistics and updates the moving ones (unbiased
 * variance, as PyTorch does); inference uses the moving statistics.
 *
 * Training runs as one custom-gradient op (`batchNormTraining`). Written with tf.moments and
 * tf.batchNorm4d, tfjs differentiated it into some twenty activation-sized subtractions,
 * products, tiles and sums per layer, each a fresh array: on the native backend they were the
 * largest part of a small preset train step (docs/benchmarks.md).
 */
export class BatchNormalization {
  private readonly gamma: tf.Variable<tf.Rank.R1>;
  private readonly beta: tf.Variable<tf.Rank.R1>;
  private readonly movingMean: tf.Variable<tf.Rank.R1>;
  private readonly movingVariance: tf.Variable<tf.Rank.R1>;
  private readonly normalise: TrainingFunction;
  private readonly normaliseWithRelu: TrainingFunction;

  constructor(context: BuildContext, name: string, channels: number) {
    this.gamma = context.constantWeight(`${name}/gamma`, tf.ones([channels])) as tf.Variable<tf.Rank.R1>;
    this.beta = context.constantWeight(`${name}/beta`, tf.zeros([channels])) as tf.Variable<tf.Rank.R1>;
    this.movingMean = context.constantWeight(`${name}/moving_mean`, tf.zeros([channels]), false) as tf.Variable<tf.Rank.R1>;
    this.movingVariance = context.constantWeight(`${name}/moving_variance`, tf.ones([channels]), false) as tf.Variable<tf.Rank.R1>;
    const update = (mean: tf.Tensor1D, variance: tf.Tensor1D, count: number) => this.updateMovingStatistics(mean, variance, count);
    this.normalise = batchNormTraining(update);
    this.normaliseWithRelu = batchNormTraining(update, { relu: true });
  }

  /** Normalises x; with `relu`, relu(normalised x) as one op (the U-Net's conv, BN, ReLU). */
  apply(x: tf.Tensor4D, training: boolean, options: { relu?: boolean } = {}): tf.Tensor4D {
    if (!training) {
      const normalised = tf.batchNorm4d(x, this.movingMean, this.movingVariance, this.beta, this.gamma, epsilon);
      return options.relu ? tf.relu(normalised) : normalised;
    }
    return (options.relu ? this.normaliseWithRelu : this.normalise)(x, this.gamma, this.beta);
  }

  /**
   * Inference-mode batch norm as a per-channel affine map: normalised x = x * scale + shift, with
   * scale = gamma / sqrt(movingVariance + epsilon) and shift = beta - movingMean * scale. A
   * convolution before it folds the two into its kernel and bias
   * (ConvolutionLayer.applyScaledWithRelu), so that inference runs conv, batch norm and ReLU as
   * one convolution.
   */
  /** The moving statistics and the affine parameters, as they are (for a kernel that folds them itself). */
  inferenceParameters(): { gamma: tf.Tensor1D; beta: tf.Tensor1D; mean: tf.Tensor1D; variance: tf.Tensor1D; epsilon: number } {
    return { gamma: this.gamma, beta: this.beta, mean: this.movingMean, variance: this.movingVariance, epsilon };
  }

  inferenceScaleShift(): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
    const scale = tf.div(this.gamma, tf.sqrt(tf.add(this.movingVariance, epsilon))) as tf.Tensor1D;
    return { scale, shift: tf.sub(this.beta, tf.mul(this.movingMean, scale)) as tf.Tensor1D };
  }

  private updateMovingStatistics(mean: tf.Tensor1D, variance: tf.Tensor1D, count: number): void {
    const varianceScale = count > 1 ? count / (count - 1) : 1;
    tf.tidy(() => {
      if (hasMovingStatisticsKernel()) {
        const attributes: MovingStatisticsAttributes = { momentum, varianceScale };
        const [newMean, newVariance] = tf
          .engine()
          .runKernel(
            MOVING_STATISTICS_KERNEL,
            { movingMean: this.movingMean, movingVariance: this.movingVariance, mean, variance },
            attributes as unknown as tf.NamedAttrMap,
          ) as [tf.Tensor1D, tf.Tensor1D];
        this.movingMean.assign(newMean);
        this.movingVariance.assign(newVariance);
        return;
      }
      const unbiased = varianceScale === 1 ? variance : tf.mul(variance, varianceScale);
      this.movingMean.assign(tf.add(tf.mul(this.movingMean, 1 - momentum), tf.mul(mean, momentum)));
      this.movingVariance.assign(tf.add(tf.mul(this.movingVariance, 1 - momentum), tf.mul(unbiased, momentum)));
    });
  }
}

/**
 * Training-mode batch norm y = gamma (x - mean) / sqrt(variance + epsilon) + beta with the
 * batch's (biased) statistics, then ReLU if asked, as a custom-gradient op; `onStatistics`
 * sees the batch mean and variance of each forward pass (for the moving averages).
 * With N values per channel, g = dy (times [y > 0] after a ReLU), c = x - mean,
 * s = 1 / sqrt(variance + epsilon) and the per-channel sums S1 = sum(g), S2 = sum(g c):
 *   dbeta = S1,  dgamma = s S2,  dx = gamma s (g - S1 / N - c s^2 S2 / N).
 * The centred c is formed rather than using sum(g x) - mean S1, which cancels badly when the
 * mean is large next to the spread. A backend that registers the kernels of
 * batch_norm_kernels.ts runs each direction in two passes; elsewhere tfjs-core ops do it.
 */
export function batchNormTraining(
  onStatistics: (mean: tf.Tensor1D, variance: tf.Tensor1D, count: number) => void = () => {},
  options: { relu?: boolean } = {},
): TrainingFunction {
  const relu = options.relu ?? false;
  return tf.customGrad((...args) => {
    const [x, gamma, beta, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const [batch, height, width] = x.shape;
    const count = batch * height * width;
    const withKernels = hasBatchNormKernels();
    const [y, mean, variance] = withKernels
      ? (tf.engine().runKernel(BATCH_NORM_TRAINING_KERNEL, { x, gamma, beta }, { epsilon, relu } as unknown as tf.NamedAttrMap) as [
          tf.Tensor4D,
          tf.Tensor1D,
          tf.Tensor1D,
        ])
      : tf.tidy(() => {
          const batchMean = tf.mean(x, [0, 1, 2]) as tf.Tensor1D;
          const batchVariance = tf.mean(tf.squaredDifference(x, batchMean), [0, 1, 2]) as tf.Tensor1D;
          const normalised = tf.batchNorm4d(x, batchMean, batchVariance, beta, gamma, epsilon);
          return [relu ? tf.relu(normalised) : normalised, batchMean, batchVariance] as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
        });
    onStatistics(mean, variance, count);
    save(relu ? [x, mean, variance, gamma, y] : [x, mean, variance, gamma]);
    return {
      value: y,
      // tfjs does not run a custom gradient inside a tidy scope; without one, every
      // temporary of the backward pass would stay allocated.
      gradFunc: (dy, saved) =>
        tf.tidy(() => {
          const [savedX, savedMean, savedVariance, savedGamma, savedY] = saved as [
            tf.Tensor4D,
            tf.Tensor1D,
            tf.Tensor1D,
            tf.Tensor1D,
            tf.Tensor4D?,
          ];
          if (withKernels) {
            const inputs: tf.NamedTensorMap = {
              dy: dy as tf.Tensor4D,
              x: savedX,
              gamma: savedGamma,
              mean: savedMean,
              variance: savedVariance,
            };
            if (savedY !== undefined) inputs.y = savedY;
            return tf.engine().runKernel(BATCH_NORM_TRAINING_GRAD_KERNEL, inputs, { epsilon } as unknown as tf.NamedAttrMap) as tf.Tensor[];
          }
          const upstream = savedY === undefined ? (dy as tf.Tensor4D) : tf.mul(dy as tf.Tensor4D, tf.step(savedY));
          const s = tf.rsqrt(tf.add(savedVariance, epsilon));
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

/** Whether the current backend registers both kernels of batch_norm_kernels.ts. */
export function hasBatchNormKernels(): boolean {
  const backend = tf.getBackend();
  return (
    tf.getKernel(BATCH_NORM_TRAINING_KERNEL, backend) !== undefined && tf.getKernel(BATCH_NORM_TRAINING_GRAD_KERNEL, backend) !== undefined
  );
}
