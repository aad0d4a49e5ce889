import * as tf from '@tensorflow/tfjs-core';

/**
 * Mirror ("reflect") padding, the paper's way of supplying the context that an unpadded network
 * needs beyond an image's border (Ronneberger et al. 2015, figure 2: "missing input data is
 * extrapolated by mirroring").
 *
 * The edge pixel is not repeated: [1, 2, 3] padded by 2 on each side is [3, 2, 1, 2, 3, 2, 1],
 * as numpy's 'reflect' mode and tf.mirrorPad's 'reflect' mode give. Unlike tf.mirrorPad, any
 * pad size works: beyond one reflection the pattern repeats with period 2 * (size - 1), which is
 * what numpy gives for large pads. A small image under the paper's 92-pixel margin needs this.
 */

/** The padding on each side of an image, in pixels: [top, bottom, left, right]. */
export type MirrorPads = readonly [top: number, bottom: number, left: number, right: number];

/** The typed arrays that images are kept in. */
export type PixelArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Uint32Array;

/** A padding, or an image description, that mirror padding cannot work with. */
export class MirrorPadError extends Error {
  override readonly name = 'MirrorPadError';

  constructor(message: string) {
    super(message);
  }
}

/**
 * The index in [0, size) whose pixel appears at `index` when a row of `size` pixels is mirrored
 * without repeating its edge, for any whole `index`, negative or past the end.
 */
export function reflectIndex(index: number, size: number): number {
  if (!Number.isInteger(size) || size < 1) {
    throw new MirrorPadError(`mirror_pad: cannot mirror a row of ${size} pixels: pass a whole size, at least 1`);
  }
  if (!Number.isInteger(index)) {
    throw new MirrorPadError(`mirror_pad: index ${index} is not a whole number of pixels`);
  }
  // A single pixel reflects onto itself everywhere (the period 2 * (size - 1) would be 0).
  if (size === 1) return 0;
  const period = 2 * (size - 1);
  const phase = ((index % period) + period) % period;
  return phase < size ? phase : period - phase;
}

/**
 * Mirror-pads an image kept as a typed array.
 *
 * @param data // [height, width, channels], row-major
 * @returns an array of the same type // [top + height + bottom, left + width + right, channels]
 */
export function mirrorPadArray<Data extends PixelArray>(
  data: Data,
  height: number,
  width: number,
  channels: number,
  pads: MirrorPads,
): Data {
  checkImage(data.length, height, width, channels);
  checkPads(pads);
  const [top, bottom, left, right] = pads;
  const paddedHeight = top + height + bottom;
  const paddedWidth = left + width + right;
  const sourceRows = reflectedIndices(height, top, bottom);
  const sourceColumns = reflectedIndices(width, left, right);
  const createArray = data.constructor as new (length: number) => Data;
  const padded = new createArray(paddedHeight * paddedWidth * channels);
  let target = 0;
  for (let row = 0; row < paddedHeight; row++) {
    const sourceRowStart = sourceRows[row] * width;
    for (let column = 0; column < paddedWidth; column++) {
      const source = (sourceRowStart + sourceColumns[column]) * channels;
      for (let channel = 0; channel < channels; channel++) padded[target++] = data[source + channel];
    }
  }
  return padded;
}

/**
 * Mirror-pads every image of a batch.
 *
 * Uses tf.mirrorPad where it can (every pad smaller than its side), and otherwise gathers the
 * rows and columns given by reflectIndex. Both are ops with registered gradients, so the padding
 * can sit inside a trained graph.
 *
 * @param x // [batch, height, width, channels]
 * @returns // [batch, top + height + bottom, left + width + right, channels]
 */
export function mirrorPad(x: tf.Tensor4D, pads: MirrorPads): tf.Tensor4D {
  checkPads(pads);
  const [, height, width] = x.shape;
  const [top, bottom, left, right] = pads;
  if (top < height && bottom < height && left < width && right < width) {
    return tf.mirrorPad(
      x,
      [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      'reflect',
    );
  }
  const rowIndices = reflectedIndices(height, top, bottom);
  const columnIndices = reflectedIndices(width, left, right);
  return tf.tidy(() => {
    const rows = tf.gather(x, tf.tensor1d(rowIndices, 'int32'), 1);
    return tf.gather(rows, tf.tensor1d(columnIndices, 'int32'), 2);
  });
}

/** For each position of a padded row, the index of the source pixel it shows. */
function reflectedIndices(size: number, before: number, after: number): number[] {
  return Array.from({ length: before + size + after }, (_, position) => reflectIndex(position - before, size));
}

function checkPads(pads: MirrorPads): void {
  if (pads.length !== 4 || !pads.every((pad) => Number.isInteger(pad) && pad >= 0)) {
    throw new MirrorPadError(
      `mirror_pad: pads [${pads.join(', ')}] are not valid: pass [top, bottom, left, right] as whole numbers, each 0 or more`,
    );
  }
}

function checkImage(length: number, height: number, width: number, channels: number): void {
  const sizes = { height, width, channels };
  for (const [name, size] of Object.entries(sizes)) {
    if (!Number.isInteger(size) || size < 1) {
      throw new MirrorPadError(`mirror_pad: an image ${name} of ${size} is not valid: pass a whole number, at least 1`);
    }
  }
  if (length !== height * width * channels) {
    throw new MirrorPadError(
      `mirror_pad: the image has ${length} values, not height * width * channels = ` +
        `${height} * ${width} * ${channels} = ${height * width * channels}: ` +
        'pass its data as [height, width, channels]',
    );
  }
}
