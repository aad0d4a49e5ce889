/**
 * Kernels a backend may register to run training-mode batch norm (with an optional fused ReLU)
 * in two passes forward and two backward; `batchNormTraining` uses them where the current
 * backend has both, and tfjs-core ops elsewhere, with the same results up to float rounding.
 * @unet/backend-native registers them.
 *
 * UnetBatchNormTraining: inputs { x [..., channels], gamma [channels], beta [channels] },
 *   attrs { epsilon, relu }; outputs [y (shape of x), mean, variance (biased)], all float32.
 * UnetBatchNormTrainingGrad: inputs { dy, x, gamma, mean, variance, y? (given when relu was
 *   fused: dy counts only where y > 0) }, attrs { epsilon }; outputs [dx, dgamma, dbeta].
 */
export const BATCH_NORM_TRAINING_KERNEL = 'UnetBatchNormTraining';
export const BATCH_NORM_TRAINING_GRAD_KERNEL = 'UnetBatchNormTrainingGrad';
