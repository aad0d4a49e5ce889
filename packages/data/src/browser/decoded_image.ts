import type { ImageArray } from '@unet/core';

/**
 * An image file as the browser decoders read it: an ImageArray (values in [0, 1], divided by
 * the maximum of the stored bit depth, as @unet/data's Node readers give them to the trainer, so
 * that a model sees the same numbers in the browser as in `unet train`) and its bit depth.
 */
export interface DecodedImage extends ImageArray {
  /** 1 gray, 3 colour (alpha dropped: it is transparency, not a measurement) */
  channels: 1 | 3;
  /** The stored bits per sample: 8 or 16 */
  bitDepth: 8 | 16;
  /**
   * A palette PNG's indices as stored // [height, width]: what a palette mask means (VOC's class
   * ids); `data` then holds their colours.
   */
  paletteIndices?: Uint8Array;
}

/**
 * The image with `channels` channels: colour becomes luminance (ITU-R BT.601 weights, as
 * libvips and sharp use for their grey conversion), gray is repeated.
 *
 * @returns // [height, width, channels]
 */
export function toChannels(image: DecodedImage, channels: number): Float32Array {
  if (channels === image.channels) return image.data;
  const pixels = image.height * image.width;
  const result = new Float32Array(pixels * channels);
  for (let pixel = 0; pixel < pixels; pixel++) {
    const value =
      image.channels === 1
        ? image.data[pixel]
        : 0.299 * image.data[pixel * 3] + 0.587 * image.data[pixel * 3 + 1] + 0.114 * image.data[pixel * 3 + 2];
    for (let channel = 0; channel < channels; channel++) {
      result[pixel * channels + channel] = image.channels === 3 && channels === 3 ? image.data[pixel * 3 + channel] : value;
    }
  }
  return result;
}
