/**
 * Gray-value variation, the paper's third augmentation ("shift and rotation invariance as well as
 * robustness to deformations and gray value variations"): contrast about the image's mean, then
 * brightness, then gamma, then a clamp back to the [0, 1] range that images are kept in (which
 * also removes bicubic overshoot).
 */
import type { ImageArray } from '@unet/core';

/** One draw of the gray-value change. */
export interface GrayValueChange {
  /** Added to every value (after contrast); 0 for none. */
  brightness: number;
  /** Factor on the distance from the channel's mean; 1 for none. */
  contrast: number;
  /** Exponent on the clamped value; 1 for none. */
  gamma: number;
}

/** The change that leaves values as they are (bar the clamp to [0, 1]). */
export const NO_GRAY_VALUE_CHANGE: GrayValueChange = { brightness: 0, contrast: 1, gamma: 1 };

/** Applies `change` to the image's values in place and returns it; NO_GRAY_VALUE_CHANGE leaves them untouched (no clamp). */
export function applyGrayValueChange(image: ImageArray, change: GrayValueChange): ImageArray {
  if (change.brightness === 0 && change.contrast === 1 && change.gamma === 1) return image;
  const { data, channels } = image;
  const pixels = data.length / channels;
  for (let channel = 0; channel < channels; channel++) {
    let mean = 0;
    if (change.contrast !== 1) {
      for (let i = channel; i < data.length; i += channels) mean += data[i];
      mean /= pixels;
    }
    for (let i = channel; i < data.length; i += channels) {
      let value = (data[i] - mean) * change.contrast + mean + change.brightness;
      value = value < 0 ? 0 : value > 1 ? 1 : value;
      data[i] = change.gamma === 1 ? value : value ** change.gamma;
    }
  }
  return image;
}
