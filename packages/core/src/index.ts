// Every user of @unet/core can train: tfjs-core's gradients are registered on import (see
// register_gradients.browser.ts; Node gets a bundled copy through package.json's imports).
import '#register-gradients';

export {
  type ConvolutionPadding,
  type NearestValidInputSizes,
  InvalidDepthError,
  InvalidTileSizeError,
  inputSizeForOutput,
  isValidInputSize,
  nearestValidInputSizes,
  outputSize,
  validInputSize,
} from './network_size.js';
export { CropSizeError, centreCrop, centreCropWindow, cropToMatch } from './crop_to_match.js';
export {
  type MirrorPads,
  type PixelArray,
  MirrorPadError,
  mirrorPad,
  mirrorPadArray,
  reflectIndex,
} from './mirror_pad.js';
export {
  type Stitcher,
  type Tile,
  type TileWindow,
  TilePlanError,
  TileStitchError,
  createStitcher,
  extractTile,
} from './overlap_tile.js';
export { type AlignedTileLayout, planAlignedTiles } from './aligned_tiles.js';
export type { ImageArray, LabelArray } from './image_array.js';
export type { BatchSource } from './batch_source.js';
export { DistanceTransformError, euclideanDistanceTransform } from './distance_transform.js';
export {
  type ConnectedComponents,
  ConnectedComponentsError,
  labelConnectedComponents,
} from './connected_components.js';
export {
  type UnetWeightMapInput,
  type WeightMapOptions,
  WeightMapError,
  unetWeightMap,
  weightMapFromBinaryMask,
} from './weight_map.js';
export { type IouAndDice, ConfusionMeasureError, confusionMatrix, iouAndDice } from './confusion_measures.js';
export {
  type BestPixelFScore,
  type PixelCounts,
  DEFAULT_PIXEL_THRESHOLDS,
  PixelErrorArgumentError,
  bestFScoreOfCounts,
  bestPixelFScore,
  pixelCountsPerThreshold,
  pixelError,
  pixelErrorOfMask,
} from './pixel_error.js';
export {
  type AdaptedRandError,
  type VariationOfInformation,
  RegionMeasureError,
  adaptedRandError,
  isbiRandError,
  regionMeasures,
  regionsFromBoundaryMap,
  variationOfInformation,
} from './rand_error.js';
export { type SegMeasure, type SegObjectScore, SegMeasureError, segMeasure } from './seg_measure.js';
export { sumTensors } from './sum_tensors.js';
export { frugalVariableGrads } from './frugal_gradients.js';
export { touchingInstanceBorders } from './instance_borders.js';
export { type SeededInstanceOptions, seededInstances } from './seeded_instances.js';
export type { TrainingBatch } from './training_batch.js';
export { type TensorTrainingBatch, isTensorTrainingBatch } from './tensor_training_batch.js';
export { type InstanceMethod, instanceMethods, objectInstances } from './object_instances.js';
export { classChannel } from './class_channel.js';
