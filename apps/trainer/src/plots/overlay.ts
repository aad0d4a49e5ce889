import { type Colour, DEFAULT_CLASS_COLOURS } from '@unet/model';

/**
 * Segmentations drawn over their images: what a user looks at first. Class 0 (background) is
 * left clear; other classes get a distinct colour blended at `opacity`.
 */

export interface RgbaImage {
  /** `[height, width, 4]` */
  data: Uint8Array;
  height: number;
  width: number;
}

/** Gray or RGB float image (`[height, width, channels]`, values in [0, 1]) as opaque RGBA. */
export function imageToRgba(image: { data: Float32Array; height: number; width: number; channels: number }): RgbaImage {
  const { height, width, channels } = image;
  const data = new Uint8Array(height * width * 4);
  for (let pixel = 0; pixel < height * width; pixel++) {
    for (let colour = 0; colour < 3; colour++) {
      const value = image.data[pixel * channels + (channels >= 3 ? colour : 0)];
      data[pixel * 4 + colour] = Math.round(Math.min(1, Math.max(0, value)) * 255);
    }
    data[pixel * 4 + 3] = 255;
  }
  return { data, height, width };
}

/**
 * Blends the colour of each pixel's class (1..) over the image; class 0 and `ignoreLabel` stay
 * clear. `colours` by class id: the model's (@unet/model's modelMetadata), so that the demo and
 * this overlay colour a class alike.
 */
export function overlayMask(
  base: RgbaImage,
  mask: ArrayLike<number>,
  {
    colours = [[0, 0, 0], ...DEFAULT_CLASS_COLOURS],
    opacity = 0.5,
    ignoreLabel = 255,
  }: { colours?: readonly Colour[]; opacity?: number; ignoreLabel?: number } = {},
): RgbaImage {
  if (mask.length !== base.height * base.width) {
    throw new RangeError(`overlayMask: the mask has ${mask.length} pixels, the image ${base.height}x${base.width}`);
  }
  const data = new Uint8Array(base.data);
  for (let pixel = 0; pixel < mask.length; pixel++) {
    const label = mask[pixel];
    if (label <= 0 || label === ignoreLabel) continue;
    const colour = colours[label] ?? DEFAULT_CLASS_COLOURS[(label - 1) % DEFAULT_CLASS_COLOURS.length];
    for (let channel = 0; channel < 3; channel++) {
      data[pixel * 4 + channel] = Math.round(data[pixel * 4 + channel] * (1 - opacity) + colour[channel] * opacity);
    }
  }
  return { data, height: base.height, width: base.width };
}

/** Panels side by side with a white gap, all of the same height. */
export function sideBySide(panels: RgbaImage[], gap = 4): RgbaImage {
  const height = Math.max(...panels.map((panel) => panel.height));
  const width = panels.reduce((sum, panel) => sum + panel.width, 0) + gap * (panels.length - 1);
  const data = new Uint8Array(height * width * 4).fill(255);
  let left = 0;
  for (const panel of panels) {
    for (let row = 0; row < panel.height; row++) {
      data.set(panel.data.subarray(row * panel.width * 4, (row + 1) * panel.width * 4), (row * width + left) * 4);
    }
    left += panel.width + gap;
  }
  return { data, height, width };
}
