export type { ImageArray, LabelArray, Sample, LabelMapping, Dataset, TrainingBatch } from './sample.js';
export {
  CorruptFileError,
  DatasetError,
  DatasetLayoutError,
  DatasetOptionError,
  MaskValueError,
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
