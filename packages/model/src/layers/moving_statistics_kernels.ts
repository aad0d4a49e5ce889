import * as tf from '@tensorflow/tfjs-core';

/**
 * A kernel a backend may register to update batch norm's moving statistics after a training
 * pass in one or two dispatches, where tfjs-core ops take seven per layer (on a GPU, each a
 * dispatch: most of a step's elementwise ones once Adam runs its own kernel). BatchNormalization
 * uses it where the current backend has it, and the ops elsewhere, with the same results up to
 * float rounding. @unet/backend-webgpu registers it.
 *
 * UnetMovingStatistics: inputs { movingMean, movingVariance, mean, variance } ([channels],
 *   float32; mean and variance the batch's, the variance biased), attrs { momentum,
 *   varianceScale (count / (count - 1), which unbiases the variance, or 1) }; outputs
 *   [newMean, newVariance], in the ops' order:
 *   newMean = movingMean (1 - momentum) + mean momentum,
 *   newVariance = movingVariance (1 - momentum) + (variance varianceScale) momentum.
 */
export const MOVING_STATISTICS_KERNEL = 'UnetMovingStatistics';

export interface MovingStatisticsAttributes {
  momentum: number;
  varianceScale: number;
}

/** Whether the current backend registers MOVING_STATISTICS_KERNEL. */
export function hasMovingStatisticsKernel(): boolean {
  return tf.getKernel(MOVING_STATISTICS_KERNEL, tf.getBackend()) !== undefined;
}
