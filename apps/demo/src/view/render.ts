import { DEFAULT_CLASS_COLOURS } from '@unet/model';

/**
 * Drawing the image, the probability map and the mask overlay onto canvases. Pure pixel work on
 * typed arrays; the page owns the canvases.
 */

/**
 * A colour for object `id` (1, 2, ...): hues a golden angle apart, so that objects with
 * neighbouring ids, which touch more often than not, never share a colour.
 */
export function objectColour(id: number): [number, number, number] {
  const hue = ((id * 137.508) % 360) / 60;
  const [saturation, value] = [0.85, 1];
  const chroma = value * saturation;
  const second = chroma * (1 - Math.abs((hue % 2) - 1));
  const [red, green, blue] =
    hue < 1
      ? [chroma, second, 0]
      : hue < 2
        ? [second, chroma, 0]
        : hue < 3
          ? [0, chroma, second]
          : hue < 4
            ? [0, second, chroma]
            : hue < 5
              ? [second, 0, chroma]
              : [chroma, 0, second];
  const lift = value - chroma;
  return [red, green, blue].map((part) => Math.round((part + lift) * 255)) as [number, number, number];
}

function put(canvas: HTMLCanvasElement, width: number, height: number, rgba: Uint8ClampedArray<ArrayBuffer>): void {
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')?.putImageData(new ImageData(rgba, width, height), 0, 0);
}

/**
 * Gray values in [0, 1] (the first channel) stretched to the image's own range, so that a 12-bit
 * camera image in a 16-bit file is visible.
 *
 * @param image // [height, width, channels]
 */
export function grayPixels(image: Float32Array, height: number, width: number, channels: number): Uint8ClampedArray<ArrayBuffer> {
  let low = Infinity;
  let high = -Infinity;
  for (let pixel = 0; pixel < height * width; pixel++) {
    const value = image[pixel * channels];
    if (value < low) low = value;
    if (value > high) high = value;
  }
  const scale = high > low ? 255 / (high - low) : 0;
  const rgba = new Uint8ClampedArray(height * width * 4);
  for (let pixel = 0; pixel < height * width; pixel++) {
    const value = channels === 3 ? null : (image[pixel] - low) * scale;
    for (let channel = 0; channel < 3; channel++) {
      rgba[pixel * 4 + channel] = value ?? (image[pixel * 3 + channel] - low) * scale;
    }
    rgba[pixel * 4 + 3] = 255;
  }
  return rgba;
}

export function drawImage(canvas: HTMLCanvasElement, image: Float32Array, height: number, width: number, channels: number): void {
  put(canvas, width, height, grayPixels(image, height, width, channels));
}

/**
 * The probability of `classId` as gray (black 0, white 1).
 *
 * @param probabilities // [height, width, classes]
 */
export function drawProbability(
  canvas: HTMLCanvasElement,
  probabilities: Float32Array,
  height: number,
  width: number,
  classes: number,
  classId: number,
): void {
  const rgba = new Uint8ClampedArray(height * width * 4);
  for (let pixel = 0; pixel < height * width; pixel++) {
    const value = Math.round(probabilities[pixel * classes + classId] * 255);
    rgba[pixel * 4] = value;
    rgba[pixel * 4 + 1] = value;
    rgba[pixel * 4 + 2] = value;
    rgba[pixel * 4 + 3] = 255;
  }
  put(canvas, width, height, rgba);
}

/**
 * The image with each pixel of label > 0 tinted in its label's colour (`colourOf`: a class's by
 * default, or `objectColour` for object ids); `opacity` in [0, 1].
 *
 * @param labels // [height, width]
 */
export function drawOverlay(
  canvas: HTMLCanvasElement,
  image: Float32Array,
  labels: Int32Array,
  height: number,
  width: number,
  channels: number,
  opacity: number,
  colourOf: (label: number) => readonly [number, number, number] = (label) =>
    DEFAULT_CLASS_COLOURS[(label - 1) % DEFAULT_CLASS_COLOURS.length],
): void {
  const rgba = grayPixels(image, height, width, channels);
  for (let pixel = 0; pixel < height * width; pixel++) {
    if (labels[pixel] === 0) continue;
    const colour = colourOf(labels[pixel]);
    for (let channel = 0; channel < 3; channel++) {
      rgba[pixel * 4 + channel] = (1 - opacity) * rgba[pixel * 4 + channel] + opacity * colour[channel];
    }
  }
  put(canvas, width, height, rgba);
}

/**
 * The gray values an 8-bit mask PNG stores for each class: the model's label values
 * (modelMetadata's labelValues, as `unet predict` writes them), or the class ids where one does
 * not fit in 8 bits (a 16-bit mask's values).
 */
export function eightBitMaskValues(labelValues: readonly number[]): number[] {
  return labelValues.every((value) => value <= 255) ? [...labelValues] : labelValues.map((_, classId) => classId);
}

/** The mask as an 8-bit gray PNG file. */
export async function maskPng(labels: Int32Array, height: number, width: number, values: number[]): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('render: no 2D canvas to draw the mask PNG on');
  const rgba = new Uint8ClampedArray(height * width * 4);
  for (let pixel = 0; pixel < height * width; pixel++) {
    const value = values[labels[pixel]];
    rgba[pixel * 4] = value;
    rgba[pixel * 4 + 1] = value;
    rgba[pixel * 4 + 2] = value;
    rgba[pixel * 4 + 3] = 255;
  }
  context.putImageData(new ImageData(rgba, width, height), 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}
