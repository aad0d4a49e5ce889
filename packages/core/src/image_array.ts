/**
 * The image and label shapes that every package agrees on: readers, layouts, augmentation,
 * training, inference and the apps. Plain typed arrays (not tensors), so that they cross worker
 * threads and need no backend.
 */

/** An image, row-major // [height, width, channels], float32 scaled to [0, 1] by the bit depth's maximum (255 or 65535). */
export interface ImageArray {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

/** Integer labels, row-major // [height, width]: class ids of a mask, or instance ids (0 = background). */
export interface LabelArray {
  data: Int32Array;
  height: number;
  width: number;
}
