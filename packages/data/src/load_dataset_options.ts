/**
 * The options of `loadDataset` (from `@unet/data/node`), one shape per layout. They are plain
 * JSON on purpose: the trainer sends the same object to its worker threads, which call
 * loadDataset again, so nothing here may be a function, a class instance or a typed array.
 * Every layout rejects keys it does not know, naming the ones it does.
 */

/** Pascal VOC 2012: `VOCdevkit/VOC2012/{JPEGImages, SegmentationClass, ImageSets/Segmentation}`. */
export interface VocDatasetOptions {
  format: 'voc';
  /** The folder holding `VOCdevkit`, or `VOCdevkit`, or `VOC2012` itself. */
  root: string;
  /** A split file of `ImageSets/Segmentation`: 'train' (default), 'val', 'trainval'. */
  split?: string;
  /** 'classes' (default): 21 classes, 0 background; 'binary': 0 background, 1 any object. Void (255) stays 255 either way. */
  mode?: 'classes' | 'binary';
  /** Only these ids of the split, in this order. */
  ids?: string[];
}

/** ISBI 2012 EM: the challenge's TIFF stacks (`train-volume.tif`, `train-labels.tif`) or per-slice folders (`train/image`, `train/label`). */
export interface IsbiDatasetOptions {
  format: 'isbi';
  root: string;
  /** Only 'train': the test volume's labels are not public. */
  split?: 'train';
  /** Which form to read; 'auto' (default) takes the folders when both exist. */
  form?: 'auto' | 'stack' | 'folders';
  /** Slice numbers (0-based page / file order), e.g. [0, ..., 19] to train and [20, ..., 24] to validate. */
  slices?: number[];
  /** Slice ids (`'00'`, `'07'`); an alternative to `slices`. */
  ids?: string[];
  /** Also give `instances`: the cells (connected components of the interior, 4-connectivity), for the weight map. */
  instances?: boolean;
}

/** Cell Tracking Challenge: `NN/tTTT.tif` with `NN_GT/SEG/man_segTTT.tif` (gold) or `NN_ST/SEG/man_segTTT.tif` (silver). */
export interface CtcDatasetOptions {
  format: 'ctc';
  /** The data set's folder, e.g. `DIC-C2DH-HeLa`, holding `01`, `01_GT`, `01_ST`, ... */
  root: string;
  /** Sequences to read, e.g. ['01']; defaults to every numbered folder. */
  sequences?: string[];
  /** 'gold' (sparse, hand-made), 'silver' (every frame, computed) or 'auto' (default: gold where a frame has it, else silver). */
  truth?: 'gold' | 'silver' | 'auto';
  /** Frame numbers to keep (the TTT of `tTTT.tif`); defaults to every frame with truth. */
  frames?: number[];
}

/** Any data set as two folders of files matched by name: `image/` (or `images/`) and `label/` (or `labels/`, `mask/`, `masks/`). */
export interface FolderDatasetOptions {
  format: 'folder';
  root: string;
  /** A subfolder of root holding the two folders, e.g. 'train' or 'val'. */
  split?: string;
  /** Mask file names are the image's stem plus this suffix, e.g. '_mask' for `car1.jpg` / `car1_mask.gif`. */
  maskSuffix?: string;
  /**
   * The mask values of the classes, class id = position: [0, 255] makes 0 class 0 and 255 class 1.
   * Colour masks give 0xRRGGBB numbers. Without it the masks are scanned at load time and their
   * values sorted ascending; pass the scanned `labelMapping.values` back to skip the scan.
   */
  labelValues?: number[];
  /** Names of the classes, as many as there are values. Defaults to the values ('0', '255', '#ff0000'). */
  classNames?: string[];
  /** A mask value that marks pixels to ignore (not a class); they become the data set's ignoreLabel 255. */
  ignoreValue?: number;
  /** Image channels (1 gray, 3 RGB); defaults to the first image's. Every image is converted to it. */
  channels?: 1 | 3;
  /** Only these ids (file stems), in this order. */
  ids?: string[];
  /** Also give `instances`: connected components (4-connectivity) of the non-background classes. */
  instances?: boolean;
}

/** The generated data set of `@unet/data`'s synthetic module (createSyntheticDataset); it needs no files. */
export interface SyntheticDatasetOptions {
  format: 'synthetic';
  /** 'em' (ISBI-like membranes) or 'cells'. */
  kind?: string;
  seed?: number;
  size?: number;
  height?: number;
  width?: number;
  /** Further options of createSyntheticDataset, passed through unchanged. */
  [option: string]: unknown;
}

export type LoadDatasetOptions =
  | VocDatasetOptions
  | IsbiDatasetOptions
  | CtcDatasetOptions
  | FolderDatasetOptions
  | SyntheticDatasetOptions;

export type DatasetFormat = LoadDatasetOptions['format'];

export const DATASET_FORMATS: readonly DatasetFormat[] = ['voc', 'isbi', 'ctc', 'folder', 'synthetic'];
