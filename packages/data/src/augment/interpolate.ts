/**
 * Resampling of images and label maps at the source positions of a sampling map, with the
 * mirrored ("reflect", edge not repeated) extension that the paper uses beyond image borders:
 * every interpolation tap outside the image reads the mirrored pixel, so a sampling map that
 * reaches past the border behaves as if the image had been mirror-padded first.
 *
 * Images are row-major `[height, width, channels]`, label maps `[height, width]`.
 */
import type { ImageArray, LabelArray } from '@unet/core';
import type { SamplingMap } from './sampling_map.js';

/** How values between pixel centres are computed. Labels are always 'nearest'. */
export type Interpolation = 'nearest' | 'bilinear' | 'bicubic';

/** The index of the pixel seen at `index` in a mirrored row of `size` pixels (core's reflectIndex, without checks). */
function reflect(index: number, size: number): number {
  if (index >= 0 && index < size) return index;
  if (size === 1) return 0;
  const period = 2 * (size - 1);
  const phase = ((index % period) + period) % period;
  return phase < size ? phase : period - phase;
}

/**
 * Keys' cubic convolution kernel with a = -0.5 (Catmull-Rom): it passes through the samples
 * (weights 0, 1, 0, 0 at whole positions, so whole-pixel maps copy pixels exactly) and is what
 * "bicubic" means in OpenCV and scikit-image. `fraction` in [0, 1) is the distance past tap 1.
 */
function cubicWeights(fraction: number, weights: Float64Array): void {
  const t = fraction;
  const t2 = t * t;
  const t3 = t2 * t;
  weights[0] = -0.5 * t3 + t2 - 0.5 * t;
  weights[1] = 1.5 * t3 - 2.5 * t2 + 1;
  weights[2] = -1.5 * t3 + 2 * t2 + 0.5 * t;
  weights[3] = 0.5 * t3 - 0.5 * t2;
}

/**
 * Resamples a float array with `channels` values per pixel.
 *
 * @param data // [height, width, channels]
 * @returns // [map.height, map.width, channels]
 */
export function resampleFloat(
  data: Float32Array,
  height: number,
  width: number,
  channels: number,
  map: SamplingMap,
  interpolation: Interpolation,
): Float32Array {
  const size = map.height * map.width;
  const out = new Float32Array(size * channels);
  const { rows, columns } = map;
  // At whole-pixel positions every kernel reads exactly the pixel (bicubic's weights are 0, 1, 0, 0),
  // so a whole-pixel map (crops, flips, quarter turns) is copied by the cheaper nearest path.
  if (interpolation !== 'nearest' && isWholePixelMap(map)) interpolation = 'nearest';
  if (interpolation === 'nearest') {
    for (let i = 0; i < size; i++) {
      const source = (reflect(Math.round(rows[i]), height) * width + reflect(Math.round(columns[i]), width)) * channels;
      for (let channel = 0; channel < channels; channel++) out[i * channels + channel] = data[source + channel];
    }
    return out;
  }
  if (interpolation === 'bilinear') {
    for (let i = 0; i < size; i++) {
      const row0 = Math.floor(rows[i]);
      const column0 = Math.floor(columns[i]);
      const fy = rows[i] - row0;
      const fx = columns[i] - column0;
      const top = reflect(row0, height) * width;
      const bottom = reflect(row0 + 1, height) * width;
      const left = reflect(column0, width);
      const right = reflect(column0 + 1, width);
      for (let channel = 0; channel < channels; channel++) {
        const a = data[(top + left) * channels + channel];
        const b = data[(top + right) * channels + channel];
        const c = data[(bottom + left) * channels + channel];
        const d = data[(bottom + right) * channels + channel];
        out[i * channels + channel] = (a + (b - a) * fx) * (1 - fy) + (c + (d - c) * fx) * fy;
      }
    }
    return out;
  }
  const rowWeights = new Float64Array(4);
  const columnWeights = new Float64Array(4);
  const rowStarts = new Int32Array(4);
  const columnIndices = new Int32Array(4);
  for (let i = 0; i < size; i++) {
    const row0 = Math.floor(rows[i]);
    const column0 = Math.floor(columns[i]);
    cubicWeights(rows[i] - row0, rowWeights);
    cubicWeights(columns[i] - column0, columnWeights);
    for (let tap = 0; tap < 4; tap++) {
      rowStarts[tap] = reflect(row0 - 1 + tap, height) * width;
      columnIndices[tap] = reflect(column0 - 1 + tap, width);
    }
    for (let channel = 0; channel < channels; channel++) {
      let sum = 0;
      for (let r = 0; r < 4; r++) {
        let rowSum = 0;
        for (let c = 0; c < 4; c++) rowSum += columnWeights[c] * data[(rowStarts[r] + columnIndices[c]) * channels + channel];
        sum += rowWeights[r] * rowSum;
      }
      out[i * channels + channel] = sum;
    }
  }
  return out;
}

function isWholePixelMap(map: SamplingMap): boolean {
  for (let i = 0; i < map.rows.length; i++) {
    if (!Number.isInteger(map.rows[i]) || !Number.isInteger(map.columns[i])) return false;
  }
  return true;
}

/** Resamples an image; see resampleFloat. Bicubic can overshoot [0, 1] slightly near edges: callers clamp. */
export function resampleImage(image: ImageArray, map: SamplingMap, interpolation: Interpolation): ImageArray {
  const data = resampleFloat(image.data, image.height, image.width, image.channels, map, interpolation);
  return { data, height: map.height, width: map.width, channels: image.channels };
}

/** Resamples class ids or instance ids: nearest pixel, so no label is ever blended into another. */
export function resampleLabels(labels: LabelArray, map: SamplingMap): LabelArray {
  const size = map.height * map.width;
  const data = new Int32Array(size);
  const { rows, columns } = map;
  for (let i = 0; i < size; i++) {
    data[i] = labels.data[reflect(Math.round(rows[i]), labels.height) * labels.width + reflect(Math.round(columns[i]), labels.width)];
  }
  return { data, height: map.height, width: map.width };
}
