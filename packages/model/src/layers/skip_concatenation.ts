import * as tf from '@tensorflow/tfjs-core';
import { cropToMatch } from '@unet/core';

/**
 * The input of an Up block's double convolution: the skip connection centre-cropped to the
 * up path's size, then the up path, along channels (the skip first, as in the PyTorch
 * reference).
 *
 * @param skip // [batch, skipHeight, skipWidth, skipChannels]
 * @param upsampled // [batch, height, width, channels]
 * @returns // [batch, height, width, skipChannels + channels]
 */
export function concatenateWithSkip(skip: tf.Tensor4D, upsampled: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.concat([cropToMatch(skip, upsampled), upsampled], 3));
}
