/**
 * Segmentations drawn over their images: what a user looks at first. Class 0 (background) is
 * left clear; other classes get a distinct colour blended at `opacity`.
 */

/** Class colours (RGB), class 1 first: red membrane/cells stand out on gray microscopy. */
export const classColours: ReadonlyArray<readonly [number, number, number]> = [
  [230, 25, 75], [60, 180, 75], [0, 130, 200], [255, 225, 25], [245, 130, 48], [145, 30, 180],
  [70, 240, 240], [240, 50, 230], [210, 245, 60], [250, 190, 212], [0, 128, 128], [220, 190, 255],
  [170, 110, 40], [255, 250, 200], [128, 0, 0], [170, 255, 195], [128, 128, 0], [255, 215, 180],
  [0, 0, 128], [128, 128, 128],
];

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

/** Blends the colour of each pixel's class (1..) over the image; class 0 and `ignoreLabel` stay clear. */
export function overlayMask(base: RgbaImage, mask: ArrayLike<number>, opacity = 0.5, ignoreLabel = 255): RgbaImage {
  if (mask.length !== base.height * base.width) {
    throw new RangeError(`overlayMask: the mask has ${mask.length} pixels, the image ${base.height}x${base.width}`);
  }
  const data = new Uint8Array(base.data);
  for (let pixel = 0; pixel < mask.length; pixel++) {
    const label = mask[pixel];
    if (label <= 0 || label === ignoreLabel) continue;
    const colour = classColours[(label - 1) % classColours.length];
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
