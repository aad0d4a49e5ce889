import * as tf from '@tensorflow/tfjs-core';

/**
 * The crop of each skip connection (Ronneberger et al. 2015, figure 1: "copy and crop").
 *
 * With unpadded convolutions the up path is smaller than the down-path map it is joined to, so
 * that map is cut to the up path's size around its centre before the two are concatenated. The
 * offset is `floor((H - h) / 2)`, as in the PyTorch reference (`dy = (H - h) // 2`): when the
 * difference is odd the extra row or column is dropped at the bottom or right.
 */

/** A crop that cannot be taken: larger than its source, or not a positive whole size. */
export class CropSizeError extends Error {
  override readonly name = 'CropSizeError';

  constructor(message: string) {
    super(message);
  }
}

/**
 * The centre `height` x `width` window of every image in `x`.
 *
 * @param x // [batch, sourceHeight, sourceWidth, channels]
 * @returns // [batch, height, width, channels]
 */
export function centreCrop(x: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  const [batch, sourceHeight, sourceWidth, channels] = x.shape;
  const { top, left } = centreCropWindow(sourceHeight, sourceWidth, height, width);
  // A clone, not x itself, so that the caller may dispose the result and x independently.
  if (height === sourceHeight && width === sourceWidth) return tf.clone(x);
  return tf.slice(x, [0, top, left, 0], [batch, height, width, channels]);
}

/**
 * Where the centre `height` x `width` window of a `sourceHeight` x `sourceWidth` image starts
 * (the offsets `centreCrop` cuts at), for a kernel that reads the window in place; throws
 * CropSizeError as centreCrop does.
 */
export function centreCropWindow(sourceHeight: number, sourceWidth: number, height: number, width: number): { top: number; left: number } {
  checkCropSize('height', height, sourceHeight);
  checkCropSize('width', width, sourceWidth);
  return { top: Math.floor((sourceHeight - height) / 2), left: Math.floor((sourceWidth - width) / 2) };
}

/**
 * `x` centre-cropped to the height and width of `reference`; the batch and channel sizes of
 * the two may differ (the skip connection and the up path have their own channel counts).
 *
 * @param x // [batch, sourceHeight, sourceWidth, channels]
 * @param reference // [referenceBatch, height, width, referenceChannels]
 * @returns // [batch, height, width, channels]
 */
export function cropToMatch(x: tf.Tensor4D, reference: tf.Tensor4D): tf.Tensor4D {
  return centreCrop(x, reference.shape[1], reference.shape[2]);
}

function checkCropSize(axis: 'height' | 'width', size: number, sourceSize: number): void {
  if (!Number.isInteger(size) || size < 1) {
    throw new CropSizeError(`crop_to_match: a crop ${axis} of ${size} is not a size: pass a whole number of pixels, at least 1`);
  }
  if (size > sourceSize) {
    throw new CropSizeError(
      `crop_to_match: cannot crop a ${axis} of ${sourceSize} to ${size}, which is larger: ` +
        'crop the larger map to the smaller one (the skip connection to the up path), ' +
        'or check that the input size is valid for the network (see validInputSize)',
    );
  }
}
