import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { nativeAddonStatus } from './addon_status.js';
import { NativeAddonMissingError } from './errors.js';
import { adamUpdateConfig } from './kernels/adam_update.js';
import { batchMatMulConfig } from './kernels/batch_mat_mul.js';
import { conv2dConfig } from './kernels/conv2d.js';
import { conv2dBackpropFilterConfig } from './kernels/conv2d_backprop_filter.js';
import { conv2dBackpropInputConfig } from './kernels/conv2d_backprop_input.js';
import { fusedConv2dConfig } from './kernels/fused_conv2d.js';
import { batchNormConfig } from './kernels/batch_norm.js';
import { batchNormTrainingConfig, batchNormTrainingGradConfig } from './kernels/batch_norm_training.js';
import { binaryConfigs } from './kernels/binary.js';
import { concatConfig } from './kernels/concat.js';
import { maxPoolConfig, maxPoolGradConfig } from './kernels/max_pool.js';
import { padConfig } from './kernels/pad.js';
import { meanConfig, sumConfig } from './kernels/reduce.js';
import { reluGradientConfig } from './kernels/relu_gradient.js';
import { sliceConfig } from './kernels/slice.js';
import { softmaxConfig } from './kernels/softmax.js';
import { splitVConfig } from './kernels/split_v.js';
import { tileConfig } from './kernels/tile.js';
import { transposeConfig } from './kernels/transpose.js';
import { unaryConfigs } from './kernels/unary.js';
import { upConvolutionConcatConfig, upConvolutionConcatGradConfig } from './kernels/up_convolution_concat.js';
import { convolutionBatchNormReluConfig } from './kernels/convolution_batch_norm_relu.js';
import { movingStatisticsConfig } from './kernels/moving_statistics.js';
import { weightedCrossEntropyConfig, weightedCrossEntropyGradConfig } from './kernels/weighted_cross_entropy.js';
import { NativeBackend } from './native_backend.js';

/** The backend's name in tfjs: tf.setBackend('native'). */
export const nativeBackendName = 'native';

/**
 * Above cpu (1) and wasm (2), as tfjs-node's 'tensorflow' (3): a program that imports this
 * package and calls nothing else gets it.
 */
export const nativeBackendPriority = 3;

/** The kernels that run through the addon; every other kernel is the cpu backend's. */
export const nativeKernels: readonly tf.KernelConfig[] = [
  conv2dConfig,
  conv2dBackpropInputConfig,
  conv2dBackpropFilterConfig,
  fusedConv2dConfig,
  convolutionBatchNormReluConfig,
  maxPoolConfig,
  maxPoolGradConfig,
  batchMatMulConfig,
  ...binaryConfigs,
  sumConfig,
  meanConfig,
  tileConfig,
  splitVConfig,
  transposeConfig,
  ...unaryConfigs,
  batchNormConfig,
  batchNormTrainingConfig,
  batchNormTrainingGradConfig,
  sliceConfig,
  softmaxConfig,
  concatConfig,
  padConfig,
  upConvolutionConcatConfig,
  upConvolutionConcatGradConfig,
  weightedCrossEntropyConfig,
  weightedCrossEntropyGradConfig,
  movingStatisticsConfig,
  adamUpdateConfig,
  reluGradientConfig,
];

/**
 * Registers the 'native' backend: the cpu backend's kernels, with those of `nativeKernels`
 * replaced. Throws NativeAddonMissingError, with the reason and the fix, when the addon does
 * not load. Registering twice does nothing.
 */
export function registerNativeBackend(priority = nativeBackendPriority): void {
  const status = nativeAddonStatus();
  if (!status.available) throw new NativeAddonMissingError(status.reason);
  if (tf.findBackendFactory(nativeBackendName) !== null) return;
  const native = new Set(nativeKernels.map((config) => config.kernelName));
  for (const config of tf.getKernelsForBackend('cpu')) {
    if (!native.has(config.kernelName)) tf.registerKernel({ ...config, backendName: nativeBackendName });
  }
  for (const config of nativeKernels) tf.registerKernel(config);
  tf.registerBackend(nativeBackendName, () => new NativeBackend(status.addon), priority);
}
