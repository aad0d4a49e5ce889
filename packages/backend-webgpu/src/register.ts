import * as tf from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterConfig } from './kernels/conv2d_backprop_filter.js';
import { batchNormTrainingConfig, batchNormTrainingGradConfig } from './kernels/batch_norm_training.js';
import { conv2dBackpropInputConfig } from './kernels/conv2d_backprop_input.js';
import { conv2dConfig } from './kernels/conv2d.js';
import { fusedConv2dConfig } from './kernels/fused_conv2d.js';
import { weightedCrossEntropyConfig, weightedCrossEntropyGradConfig } from './kernels/weighted_cross_entropy.js';
import { upConvolutionConcatConfig } from './kernels/up_convolution_concat.js';
import { adamUpdateConfig } from './kernels/adam_update.js';
import { convolutionBatchNormReluConfig } from './kernels/convolution_batch_norm_relu.js';
import { augmentTileConfig } from './kernels/augment_tile.js';
import { grayValueChangeConfig } from './kernels/gray_value_change.js';
import { movingStatisticsConfig } from './kernels/moving_statistics.js';
import { replacedKernels } from './replaced_kernels.js';

/** The kernels this package gives the 'webgpu' backend in place of tfjs-backend-webgpu's own. */
export const webgpuKernels: readonly tf.KernelConfig[] = [
  conv2dConfig,
  fusedConv2dConfig,
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  batchNormTrainingConfig,
  batchNormTrainingGradConfig,
  weightedCrossEntropyConfig,
  weightedCrossEntropyGradConfig,
  upConvolutionConcatConfig,
  adamUpdateConfig,
  convolutionBatchNormReluConfig,
  augmentTileConfig,
  grayValueChangeConfig,
  movingStatisticsConfig,
];

/**
 * Replaces tfjs-backend-webgpu's kernels by `webgpuKernels` (without tfjs's "already
 * registered" warning). Call it after importing @tensorflow/tfjs-backend-webgpu, whose import
 * registers its own. Registering twice does nothing more.
 */
export function registerWebGPUKernels(): void {
  for (const config of webgpuKernels) {
    const existing = tf.getKernel(config.kernelName, config.backendName);
    if (existing?.kernelFunc === config.kernelFunc) continue;
    if (existing !== undefined) {
      replacedKernels.set(config.kernelName, existing);
      tf.unregisterKernel(config.kernelName, config.backendName);
    }
    tf.registerKernel(config);
  }
}

/**
 * Puts tfjs-backend-webgpu's own kernels back (and removes those it lacks), so that a benchmark
 * or a test can measure the step before and after on the same process.
 */
export function unregisterWebGPUKernels(): void {
  for (const config of webgpuKernels) {
    if (tf.getKernel(config.kernelName, config.backendName)?.kernelFunc !== config.kernelFunc) continue;
    tf.unregisterKernel(config.kernelName, config.backendName);
    const original = replacedKernels.get(config.kernelName);
    if (original !== undefined) tf.registerKernel(original);
  }
}
