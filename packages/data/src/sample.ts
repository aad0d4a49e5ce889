/**
 * The shapes every layout, reader, augmentation and the trainer agree on. Plain typed arrays
 * (not tensors) so that samples cross worker threads and need no backend.
 */

/** An image, row-major `[height, width, channels]`, float32 scaled to [0, 1] by the bit depth's maximum (255 or 65535). */
export interface ImageArray {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

/** Integer labels, row-major `[height, width]`: class ids of a mask, or instance ids (0 = background). */
export interface LabelArray {
  data: Int32Array;
  height: number;
  width: number;
}

/** One image with its ground truth. */
export interface Sample {
  /** Stable identifier within its data set, e.g. the file stem `00` or `01/t003`. */
  id: string;
  image: ImageArray;
  /** Class ids 0..classNames.length-1; the data set's `ignoreLabel` (VOC: 255) marks pixels that no loss or measure counts. */
  mask: LabelArray;
  /** Instance ids where the layout has them (Cell Tracking Challenge; connected components elsewhere when asked). */
  instances?: LabelArray;
  classNames: readonly string[];
}

/** How the user's mask values map to the class ids we train on, saved with the model so predictions are written back in the user's values. */
export interface LabelMapping {
  /** `values[classId]` is the user's pixel value for that class (e.g. [0, 255] for a 0/255 mask). */
  values: number[];
}

/** A data set: its size is known up front, samples are read on demand. */
export interface Dataset {
  /** e.g. `isbi2012 train`, for messages and logs. */
  readonly name: string;
  readonly size: number;
  readonly classNames: readonly string[];
  /** Image channels (1 gray, 3 RGB). */
  readonly channels: number;
  /** The label that marks pixels to ignore (VOC's 255), absent when none exists. */
  readonly ignoreLabel?: number;
  readonly labelMapping?: LabelMapping;
  /** The ids of the samples, in index order. */
  readonly ids: readonly string[];
  get(index: number): Promise<Sample>;
  [Symbol.asyncIterator](): AsyncIterator<Sample>;
}
