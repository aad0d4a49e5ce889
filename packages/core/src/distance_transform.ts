import { checkImageSize } from './image_size.js';
/**
 * Exact Euclidean distance transform (Felzenszwalb & Huttenlocher 2012, "Distance Transforms of
 * Sampled Functions"), used by the weight map of Ronneberger et al. 2015 to find d1 and d2, the
 * distances to the nearest and second-nearest cell.
 *
 * The squared distance is separable: a 1D transform along every row, then one along every column
 * of that result, each a lower envelope of parabolas in linear time. Pure TypeScript on typed
 * arrays, so that it runs in a data loader without a tfjs backend. Images are row-major
 * [height, width].
 */

/** A mask whose length does not match its stated size, or a size that is not a whole number. */
export class DistanceTransformError extends Error {
  override readonly name = 'DistanceTransformError';

  constructor(message: string) {
    super(message);
  }
}

/**
 * The squared-distance transform of a sampled 1D function `f` of length `n`, read at
 * `input[offset + i * stride]` and written to `output` at the same places. Entries of `f` that
 * are Infinity carry no parabola; they are skipped rather than added, since Infinity - Infinity
 * would turn the envelope's intersections into NaN.
 */
function transform1d(
  input: Float64Array,
  output: Float64Array,
  offset: number,
  stride: number,
  n: number,
  vertices: Int32Array,
  boundaries: Float64Array,
): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = input[offset + q * stride]!;
    if (fq === Infinity) continue;
    if (k < 0) {
      k = 0;
      vertices[0] = q;
      boundaries[0] = -Infinity;
      boundaries[1] = Infinity;
      continue;
    }
    // The parabola rooted at q replaces those of the envelope that it lies below everywhere to
    // the right of their left boundary; boundaries[0] = -Infinity keeps k from going below 0.
    for (;;) {
      const v = vertices[k]!;
      const s = (fq + q * q - (input[offset + v * stride]! + v * v)) / (2 * q - 2 * v);
      if (s <= boundaries[k]!) {
        k--;
        continue;
      }
      k++;
      vertices[k] = q;
      boundaries[k] = s;
      boundaries[k + 1] = Infinity;
      break;
    }
  }
  if (k < 0) {
    for (let q = 0; q < n; q++) output[offset + q * stride] = Infinity;
    return;
  }
  let j = 0;
  for (let q = 0; q < n; q++) {
    while (boundaries[j + 1]! < q) j++;
    const v = vertices[j]!;
    output[offset + q * stride] = (q - v) * (q - v) + input[offset + v * stride]!;
  }
}

/**
 * The Euclidean distance from every pixel to the nearest pixel where `mask` is nonzero: 0 on
 * those pixels, Infinity everywhere when the mask has no nonzero pixel.
 *
 * @param mask // [height, width], row-major; nonzero (or true) marks the pixels measured to
 * @returns // [height, width], float32
 */
export function euclideanDistanceTransform(mask: ArrayLike<number | boolean>, height: number, width: number): Float32Array {
  checkImageSize('distance_transform.ts', 'mask', mask.length, height, width, (message) => new DistanceTransformError(message));
  const size = height * width;
  const squared = new Float64Array(size);
  for (let i = 0; i < size; i++) squared[i] = mask[i] ? 0 : Infinity;

  const longest = Math.max(height, width);
  const vertices = new Int32Array(longest);
  const boundaries = new Float64Array(longest + 1);
  const rowPass = new Float64Array(size);
  for (let row = 0; row < height; row++) {
    transform1d(squared, rowPass, row * width, 1, width, vertices, boundaries);
  }
  for (let column = 0; column < width; column++) {
    transform1d(rowPass, squared, column, width, height, vertices, boundaries);
  }

  const distances = new Float32Array(size);
  for (let i = 0; i < size; i++) distances[i] = Math.sqrt(squared[i]!);
  return distances;
}
