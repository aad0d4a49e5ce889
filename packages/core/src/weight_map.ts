/**
 * The weight map of Ronneberger et al. 2015 (equation 2), which weights the pixel-wise
 * cross-entropy so that the thin background gaps between touching cells count:
 *
 *   w(x) = w_c(x) + w0 * exp(-(d1(x) + d2(x))^2 / (2 sigma^2))
 *
 * d1 and d2 are the distances to the nearest and second-nearest cell. As in the paper's released
 * implementation, the border term is added on background pixels only (a pixel inside a cell gets
 * w_c alone) and only where the image holds at least two cells, since with one cell there is no
 * second distance. Distances are exact: one Euclidean distance transform per cell.
 *
 * w_c is inverse class frequency, normalised so that its mean over the image is 1:
 *   w_c(x) = totalPixels / (numberOfClassesPresent * pixelsOfClass(class(x))).
 * The paper does not give its formula; this one keeps the loss on the scale of the unweighted
 * loss whatever the image's balance, so that w0 = 10 means the same on every image. Classes are
 * counted per image, over the classes present in it.
 *
 * Pure TypeScript on typed arrays, row-major [height, width], so that a data loader can compute
 * it once per ground truth without a tfjs backend.
 */
import { labelConnectedComponents } from './connected_components.js';
import { euclideanDistanceTransform } from './distance_transform.js';
import { checkImageSize } from './image_size.js';

/** An argument the weight map cannot use: a wrong array length, size, w0 or sigma. */
export class WeightMapError extends Error {
  override readonly name = 'WeightMapError';

  constructor(message: string) {
    super(message);
  }
}

/** How the weight map is weighted; the defaults are the paper's. */
export interface WeightMapOptions {
  /** Height of the border term; 10 in the paper. */
  w0?: number;
  /** Width, in pixels, of the border term's fall-off; "approximately 5 pixels" in the paper. */
  sigma?: number;
  /** Whether w_c balances class frequencies; false makes w_c = 1 everywhere. */
  classBalance?: boolean;
}

export interface UnetWeightMapInput extends WeightMapOptions {
  /** [height, width], row-major: 0 for background, k > 0 for the pixels of cell k (any ids). */
  instances: Int32Array;
  /** [height, width], row-major class id per pixel; default 1 where instances > 0, else 0. */
  classes?: Int32Array;
  height: number;
  width: number;
}

function checkOptions(w0: number, sigma: number): void {
  if (!Number.isFinite(w0) || w0 < 0) {
    throw new WeightMapError(
      `weight_map.ts: w0 must be a finite number >= 0, got ${w0}; use 10 (the paper's value) or 0 to turn the border term off.`,
    );
  }
  if (!Number.isFinite(sigma) || sigma <= 0) {
    throw new WeightMapError(`weight_map.ts: sigma must be a finite number > 0, got ${sigma}; use about 5 (pixels, the paper's value).`);
  }
}

/** w_c: inverse class frequency with mean 1 over the image, or 1 everywhere when not balancing. */
function classWeights(classes: ArrayLike<number>, size: number, classBalance: boolean): Float32Array {
  const weights = new Float32Array(size);
  if (!classBalance) return weights.fill(1);
  const counts = new Map<number, number>();
  for (let i = 0; i < size; i++) {
    const c = classes[i]!;
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const perClass = new Map<number, number>();
  for (const [c, count] of counts) perClass.set(c, size / (counts.size * count));
  for (let i = 0; i < size; i++) weights[i] = perClass.get(classes[i]!)!;
  return weights;
}

/**
 * The paper's weight map for one ground truth.
 *
 * @returns // [height, width], float32
 */
export function unetWeightMap(input: UnetWeightMapInput): Float32Array {
  const { instances, height, width, w0 = 10, sigma = 5, classBalance = true } = input;
  checkImageSize('weight_map.ts', 'instances', instances.length, height, width, (message) => new WeightMapError(message));
  if (input.classes !== undefined)
    checkImageSize('weight_map.ts', 'classes', input.classes.length, height, width, (message) => new WeightMapError(message));
  checkOptions(w0, sigma);
  const size = height * width;

  let classes: ArrayLike<number>;
  if (input.classes !== undefined) {
    classes = input.classes;
  } else {
    const derived = new Int32Array(size);
    for (let i = 0; i < size; i++) derived[i] = instances[i]! > 0 ? 1 : 0;
    classes = derived;
  }
  const weights = classWeights(classes, size, classBalance);

  const ids = new Set<number>();
  for (let i = 0; i < size; i++) if (instances[i]! > 0) ids.add(instances[i]!);
  if (ids.size < 2 || w0 === 0) return weights;

  // The two smallest distances to a cell, kept per pixel as each cell's transform is merged in.
  const nearest = new Float64Array(size).fill(Infinity);
  const secondNearest = new Float64Array(size).fill(Infinity);
  const cell = new Uint8Array(size);
  for (const id of ids) {
    for (let i = 0; i < size; i++) cell[i] = instances[i] === id ? 1 : 0;
    const distances = euclideanDistanceTransform(cell, height, width);
    for (let i = 0; i < size; i++) {
      const d = distances[i]!;
      if (d < nearest[i]!) {
        secondNearest[i] = nearest[i]!;
        nearest[i] = d;
      } else if (d < secondNearest[i]!) {
        secondNearest[i] = d;
      }
    }
  }
  const twoSigmaSquared = 2 * sigma * sigma;
  for (let i = 0; i < size; i++) {
    if (instances[i]! > 0) continue;
    const sum = nearest[i]! + secondNearest[i]!;
    weights[i] = weights[i]! + w0 * Math.exp(-(sum * sum) / twoSigmaSquared);
  }
  return weights;
}

/**
 * The weight map of a binary ground truth: its cells are the 4-connected components of the
 * foreground, and its classes are 1 (foreground) and 0 (background). Cells that touch along an
 * edge merge into one; give `unetWeightMap` instance labels when that matters.
 *
 * @param mask // [height, width], row-major; nonzero (or true) is foreground
 * @returns // [height, width], float32
 */
export function weightMapFromBinaryMask(
  mask: ArrayLike<number | boolean>,
  height: number,
  width: number,
  options: WeightMapOptions = {},
): Float32Array {
  checkImageSize('weight_map.ts', 'mask', mask.length, height, width, (message) => new WeightMapError(message));
  const { labels } = labelConnectedComponents(mask, height, width, 4);
  return unetWeightMap({ ...options, instances: labels, height, width });
}
