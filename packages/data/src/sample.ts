import type { ImageArray, LabelArray } from '@unet/core';

/**
 * Samples and data sets: what every layout gives the augmentation and the trainer. The image and
 * label shapes themselves are @unet/core's (ImageArray, LabelArray).
 */

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
