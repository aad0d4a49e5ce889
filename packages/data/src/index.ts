export type { Sample, LabelMapping, Dataset } from './sample.js';
export type { BatchSource, ImageArray, LabelArray, TrainingBatch } from '@unet/core';
export {
  CorruptFileError,
  DatasetError,
  DatasetLayoutError,
  DatasetOptionError,
  MaskValueError,
  MissingDependencyError,
  MissingFileError,
  PathEscapeError,
  SizeMismatchError,
  UnsupportedImageError,
} from './errors.js';
export {
  type CtcDatasetOptions,
  type DatasetFormat,
  type FolderDatasetOptions,
  type IsbiDatasetOptions,
  type LoadDatasetOptions,
  type SyntheticDatasetOptions as LoadSyntheticDatasetOptions,
  type VocDatasetOptions,
  DATASET_FORMATS,
} from './load_dataset_options.js';
export { VOC_BINARY_CLASS_NAMES, VOC_CLASS_NAMES, VOC_VOID } from './layouts/voc/classes.js';
export { vocColourMap } from './layouts/voc/colour_map.js';
export { type RandomKey, Random, RandomSeedError, createRandom } from './random.js';
export {
  type AugmentationDraw,
  type AugmentationOptions,
  type AugmentedSample,
  type ResolvedAugmentation,
  NO_AUGMENTATION,
  PAPER_AUGMENTATION,
  augmentSample,
  drawAugmentation,
  drawGeometry,
  resolveAugmentation,
} from './augment/augmentation.js';
export { AugmentationError } from './augment/augmentation_error.js';
export {
  type CoarseDisplacements,
  type DisplacementField,
  drawCoarseDisplacements,
  upsampleDisplacements,
} from './augment/elastic_field.js';
export { type Geometry, type SamplingMap, createSamplingMap, cropSamplingMap, identityGeometry } from './augment/sampling_map.js';
export { type Interpolation, resampleFloat, resampleImage, resampleLabels } from './augment/interpolate.js';
export { type GrayValueChange, NO_GRAY_VALUE_CHANGE, applyGrayValueChange } from './augment/gray_value.js';
export { type SyntheticDatasetOptions, SyntheticDatasetError, createSyntheticDataset } from './synthetic/synthetic_dataset.js';
export { type TrainingTile, type TrainingTileOptions, extractTrainingTile, tileMargin } from './tiles/training_tile.js';
export { type TileDraw, drawTrainingTile } from './tiles/tile_draw.js';
export { TrainingTileError } from './tiles/tile_error.js';
export { type WeightMapSettings, sampleWeightMap } from './tiles/sample_weights.js';
export { type BatchSourceOptions, BatchSourceError, createBatchSource } from './pipeline/batch_source.js';
export { type BatchPlan, type PlannedTile, createBatchPlan } from './pipeline/batch_plan.js';
// Browser readers: the platform's decoders for PNG and JPEG, fast-png for palette PNGs (indices kept),
// our own for TIFF (8/16-bit, LZW/deflate).
export { ImageDecodeError } from './browser/decode_error.js';
export { decodeImageFile } from './browser/decode_image.js';
export { decodePalettePng, isPalettePng } from './browser/decode_palette_png.js';
export { type DecodedImage, toChannels } from './browser/decoded_image.js';
export { decodeTiff, isTiff } from './browser/tiff_decode.js';
