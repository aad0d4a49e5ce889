export {
  defaultUNetConfig,
  resolveUNetConfig,
  type Initialization,
  type Normalization,
  type Padding,
  type UNetConfig,
  type UpSampling,
} from './config.js';
export { ModelFormatError, UNetConfigError, UNetInputError, WeightMismatchError } from './errors.js';
export { presetConfig, presetNames, type PresetName } from './presets.js';
export { createUNet, UNet, type ApplyOptions, type NamedWeight } from './unet.js';
export { convolve } from './layers/convolution.js';
export { loadUNet, saveUNet, type ModelLocation } from './io/save_load.js';
export { fromModelArtifacts, toModelArtifacts, unetModelFormat, type SavedUNetMetadata } from './io/model_artifacts.js';
export { summarizeUNet, type SummaryRow } from './summary.js';
export { BATCH_NORM_TRAINING_GRAD_KERNEL, BATCH_NORM_TRAINING_KERNEL } from './layers/batch_norm_kernels.js';
export { MOVING_STATISTICS_KERNEL, type MovingStatisticsAttributes } from './layers/moving_statistics_kernels.js';
export { CONVOLUTION_BATCH_NORM_RELU_KERNEL } from './layers/convolution_batch_norm_kernels.js';
export { UP_CONVOLUTION_CONCAT_GRAD_KERNEL, UP_CONVOLUTION_CONCAT_KERNEL } from './layers/up_convolution_kernels.js';
export { RELU_GRADIENT_KERNEL } from './layers/relu_gradient_kernels.js';
export {
  type Colour,
  type ModelMetadata,
  type UNetMetadata,
  DEFAULT_CLASS_COLOURS,
  defaultLabelValues,
  modelMetadata,
} from './metadata/model_metadata.js';
