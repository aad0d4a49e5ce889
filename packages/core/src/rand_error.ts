import { labelConnectedComponents } from './connected_components.js';
/**
 * Region-based measures of the ISBI 2012 challenge (REFERENCE.md, "Measures"): the
 * foreground-restricted Rand error and the variation of information, and the regions they
 * compare, taken from a boundary map.
 *
 * Both measures count only the pixels whose TRUE region label is not 0: label 0 in the truth
 * means "not foreground" (membrane, background). Label 0 in the prediction is not special; it
 * is one more predicted region, as in `skimage.metrics.adapted_rand_error` (ignore_labels=(0,)
 * applies to the truth only). Images are flat, row-major [height, width] arrays.
 */

/** Arrays that cannot be compared (different lengths), or a boundary map of the wrong size. */
export class RegionMeasureError extends Error {
  override readonly name = 'RegionMeasureError';

  constructor(message: string) {
    super(message);
  }
}

/**
 * The adapted Rand error and its two parts, as skimage returns them.
 *
 * With n_ij the number of foreground pixels in true region i and predicted region j,
 * a_i = sum_j n_ij the TRUE region sizes and b_j = sum_i n_ij the PREDICTED region sizes, and N
 * the number of foreground pixels, each sum counts ordered pairs of distinct pixels:
 *   P = sum n_ij^2 - N,  A = sum a_i^2 - N,  B = sum b_j^2 - N.
 * `precision` = P / A and `recall` = P / B, exactly as skimage's code computes them (A, its
 * `sum_a2`, comes from the rows of its contingency table, which are the TRUE labels, although
 * its docstring describes precision as divided by the pairs of the test image).
 * `error` = 1 - P / (alpha A + (1 - alpha) B); alpha = 0.5 gives 1 - the F-score, and P / A
 * falls as the prediction merges true regions, P / B as it splits them.
 * A ratio whose denominator is 0 is NaN (0 / 0: e.g. no foreground pixel at all).
 */
export interface AdaptedRandError {
  error: number;
  precision: number;
  recall: number;
}

/**
 * The conditional entropies of the variation of information, in nats (natural log), over the
 * foreground pixels of the truth. S is the prediction, T the truth, p the joint distribution
 * of (predicted region, true region) over those pixels.
 */
export interface VariationOfInformation {
  /** H(S|T): how much the prediction splits true regions (over-segmentation). 0 if it never does. */
  splitEntropy: number;
  /** H(T|S): how much the prediction merges true regions (under-segmentation). 0 if it never does. */
  mergeEntropy: number;
  /** H(S|T) + H(T|S). skimage's variation_of_information gives [split, merge] in bits (log 2). */
  total: number;
}

/**
 * The adapted Rand error of `predictedRegions` against `trueRegions` (see AdaptedRandError),
 * over the pixels where `trueRegions` is not 0.
 *
 * @param predictedRegions // [height, width] region labels; 0 is an ordinary region
 * @param trueRegions // [height, width] region labels; 0 marks pixels left out
 * @param alpha // weight of A (true-region pairs) against B (predicted-region pairs)
 */
export function adaptedRandError(predictedRegions: ArrayLike<number>, trueRegions: ArrayLike<number>, alpha = 0.5): AdaptedRandError {
  if (!(alpha >= 0 && alpha <= 1)) {
    throw new RegionMeasureError(`rand_error: alpha ${alpha} is not a weight: pass a number in [0, 1]`);
  }
  const table = foregroundContingency(predictedRegions, trueRegions);
  const pixels = table.pixels;
  const jointPairs = sumOfSquares(table.jointCounts) - pixels;
  const truePairs = sumOfSquares(table.trueSizes) - pixels;
  const predictedPairs = sumOfSquares(table.predictedSizes) - pixels;
  return {
    error: 1 - jointPairs / (alpha * truePairs + (1 - alpha) * predictedPairs),
    precision: jointPairs / truePairs,
    recall: jointPairs / predictedPairs,
  };
}

/**
 * The foreground-restricted Rand error as the ISBI 2012 challenge scored it (Arganda-Carreras et
 * al. 2015; the Fiji script `RandError.adaptedRandIndexStats3DN2` and the CREMI `adapted_rand`
 * compute it the same way). Over the pixels whose TRUE label is not 0, with n_ij the pixels of
 * true region i in predicted region j, a_i = sum over all j of n_ij (predicted 0 included) and
 * b_j = sum_i n_ij for j != 0:
 *   A = sum a_i^2,  B = sum_{j != 0} b_j^2,  P = sum_{i, j != 0} n_ij^2,
 *   precision = P / B, recall = P / A, error = 1 - 2 P / (A + B).
 * It differs from `adaptedRandError` in two ways, both the challenge's:
 * - predicted label 0 (a predicted boundary) is "unassigned": such pixels join no predicted
 *   region, so they cost recall (like a split) but never merge two true cells. Counting them as
 *   one more region would join every cell that a thick predicted membrane touches.
 * - sums of squares count each pixel's pair with itself (the N^2 normalisation).
 * The reference scripts also add (predicted-0 pixels) / (all pixels) to P and B, a term below
 * 1 next to sums of ~10^9 for a 512 x 512 image; it is left out here.
 *
 * @param predictedRegions // [height, width] region labels; 0 = predicted boundary
 * @param trueRegions // [height, width] region labels; 0 marks pixels left out
 */
export function isbiRandError(predictedRegions: ArrayLike<number>, trueRegions: ArrayLike<number>): AdaptedRandError {
  return isbiRandErrorOf(foregroundContingency(predictedRegions, trueRegions));
}

/**
 * The variation of information H(S|T) + H(T|S) in nats, over the pixels where `trueRegions`
 * is not 0 (see VariationOfInformation). With no such pixel both entropies are 0.
 *
 * @param predictedRegions // [height, width] region labels; 0 is an ordinary region
 * @param trueRegions // [height, width] region labels; 0 marks pixels left out
 */
export function variationOfInformation(predictedRegions: ArrayLike<number>, trueRegions: ArrayLike<number>): VariationOfInformation {
  return variationOfInformationOf(foregroundContingency(predictedRegions, trueRegions));
}

/**
 * `isbiRandError` and `variationOfInformation` of the same two region images, from one
 * contingency table (each alone builds its own).
 *
 * @param predictedRegions // [height, width] region labels; 0 = predicted boundary
 * @param trueRegions // [height, width] region labels; 0 marks pixels left out
 */
export function regionMeasures(
  predictedRegions: ArrayLike<number>,
  trueRegions: ArrayLike<number>,
): { randError: AdaptedRandError; variationOfInformation: VariationOfInformation } {
  const table = foregroundContingency(predictedRegions, trueRegions);
  return { randError: isbiRandErrorOf(table), variationOfInformation: variationOfInformationOf(table) };
}

/**
 * Regions from a boundary map: the 4-connected components of the non-membrane pixels, those
 * whose value is below `threshold`, labelled 1, 2, ... in raster order; membrane pixels
 * (value >= threshold, or NaN) get 0. The map is a membrane probability or a 0/1 membrane
 * mask; an ISBI label image, where membrane is black (0) and cells white (255), must be
 * inverted first (1 - value / 255).
 *
 * @param boundaryProbabilityOrMask // [height, width] membrane probability, or 1 = membrane
 * @returns // [height, width] region labels, 0 = membrane
 */
export function regionsFromBoundaryMap(
  boundaryProbabilityOrMask: ArrayLike<number>,
  height: number,
  width: number,
  threshold = 0.5,
): Int32Array {
  if (
    !Number.isInteger(height) ||
    !Number.isInteger(width) ||
    height < 0 ||
    width < 0 ||
    boundaryProbabilityOrMask.length !== height * width
  ) {
    throw new RegionMeasureError(
      `rand_error: a boundary map of ${boundaryProbabilityOrMask.length} pixels is not ${height} x ${width}: ` +
        'pass the height and width of the map (row-major [height, width])',
    );
  }
  const cells = Uint8Array.from(boundaryProbabilityOrMask, (value) => (value < threshold ? 1 : 0));
  return labelConnectedComponents(cells, height, width, 4).labels;
}

/** The non-zero cells of the contingency table over the pixels whose true label is not 0. */
interface ForegroundContingency {
  pixels: number;
  trueSizes: number[];
  predictedSizes: number[];
  jointCounts: number[];
  /** The dense true-region index of each joint count. */
  jointTrue: number[];
  /** The dense predicted-region index of each joint count. */
  jointPredicted: number[];
  /** Predicted label -> its dense index. */
  predictedIndexOf: Map<number, number>;
}

function foregroundContingency(predictedRegions: ArrayLike<number>, trueRegions: ArrayLike<number>): ForegroundContingency {
  if (predictedRegions.length !== trueRegions.length) {
    throw new RegionMeasureError(
      `rand_error: the prediction has ${predictedRegions.length} pixels and the truth ${trueRegions.length}: ` +
        'pass two region images of the same height and width',
    );
  }
  // Labels may be any integers, so map them to dense indices first; then a joint cell's key
  // trueIndex * predictedRegionCount + predictedIndex is a small, exact integer.
  const trueIndex = new Map<number, number>();
  const predictedIndex = new Map<number, number>();
  const trueSizes: number[] = [];
  const predictedSizes: number[] = [];
  let pixels = 0;
  for (let index = 0; index < trueRegions.length; index++) {
    const trueLabel = trueRegions[index]!;
    if (trueLabel === 0) continue;
    pixels++;
    trueSizes[denseIndex(trueIndex, trueLabel, trueSizes)]! += 1;
    predictedSizes[denseIndex(predictedIndex, predictedRegions[index]!, predictedSizes)]! += 1;
  }
  const predictedCount = predictedSizes.length;
  const cells = new Map<number, number>();
  for (let index = 0; index < trueRegions.length; index++) {
    const trueLabel = trueRegions[index]!;
    if (trueLabel === 0) continue;
    const key = trueIndex.get(trueLabel)! * predictedCount + predictedIndex.get(predictedRegions[index]!)!;
    cells.set(key, (cells.get(key) ?? 0) + 1);
  }
  const jointCounts: number[] = [];
  const jointTrue: number[] = [];
  const jointPredicted: number[] = [];
  for (const [key, count] of cells) {
    jointCounts.push(count);
    jointTrue.push(Math.floor(key / predictedCount));
    jointPredicted.push(key % predictedCount);
  }
  return { pixels, trueSizes, predictedSizes, jointCounts, jointTrue, jointPredicted, predictedIndexOf: predictedIndex };
}

function denseIndex(indices: Map<number, number>, label: number, sizes: number[]): number {
  let index = indices.get(label);
  if (index === undefined) {
    index = sizes.length;
    indices.set(label, index);
    sizes.push(0);
  }
  return index;
}

function sumOfSquares(values: number[]): number {
  let sum = 0;
  for (const value of values) sum += value * value;
  return sum;
}

function isbiRandErrorOf(table: ForegroundContingency): AdaptedRandError {
  const unassigned = table.predictedIndexOf.get(0);
  const trueSquares = sumOfSquares(table.trueSizes);
  let predictedSquares = 0;
  for (let index = 0; index < table.predictedSizes.length; index++) {
    if (index !== unassigned) predictedSquares += table.predictedSizes[index]! ** 2;
  }
  let jointSquares = 0;
  for (let entry = 0; entry < table.jointCounts.length; entry++) {
    if (table.jointPredicted[entry] !== unassigned) jointSquares += table.jointCounts[entry]! ** 2;
  }
  return {
    error: 1 - (2 * jointSquares) / (trueSquares + predictedSquares),
    precision: jointSquares / predictedSquares,
    recall: jointSquares / trueSquares,
  };
}

function variationOfInformationOf(table: ForegroundContingency): VariationOfInformation {
  const pixels = table.pixels;
  let splitEntropy = 0;
  let mergeEntropy = 0;
  for (let entry = 0; entry < table.jointCounts.length; entry++) {
    const joint = table.jointCounts[entry]! / pixels;
    const trueShare = table.trueSizes[table.jointTrue[entry]!]! / pixels;
    const predictedShare = table.predictedSizes[table.jointPredicted[entry]!]! / pixels;
    // -sum p_ij log(p_ij / p_T) and -sum p_ij log(p_ij / p_S); every stored p_ij is > 0.
    splitEntropy -= joint * Math.log(joint / trueShare);
    mergeEntropy -= joint * Math.log(joint / predictedShare);
  }
  // A one-to-one match gives log(1) = 0 exactly, but guard -0 and rounding just below 0.
  splitEntropy = Math.max(0, splitEntropy);
  mergeEntropy = Math.max(0, mergeEntropy);
  return { splitEntropy, mergeEntropy, total: splitEntropy + mergeEntropy };
}
