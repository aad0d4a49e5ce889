/**
 * The ISBI 2012 pixel error: 1 - the best F-score of pixel classification over thresholds of
 * the probability map (REFERENCE.md, "Measures").
 *
 * The positive class is the foreground (truth 1). A pixel is predicted foreground when its
 * probability is at least the threshold, so threshold 0 calls every pixel foreground.
 * When neither the truth nor the prediction has a foreground pixel there is nothing to get
 * wrong, and the F-score is taken as 1 (error 0) rather than 0 / 0.
 * Images are flat, row-major [height, width] arrays.
 */

/** Arrays that cannot be compared: different lengths, a truth that is not 0/1, no thresholds. */
export class PixelErrorArgumentError extends Error {
  override readonly name = 'PixelErrorArgumentError';

  constructor(message: string) {
    super(message);
  }
}

/** The best F-score over the thresholds and the (first) threshold that reaches it. */
export interface BestPixelFScore {
  fScore: number;
  threshold: number;
}

/** 0, 0.01, ..., 1: made as i / 100 so that no rounding error accumulates. */
export const DEFAULT_PIXEL_THRESHOLDS: readonly number[] = Array.from({ length: 101 }, (_, index) => index / 100);

/** Pixel counts at one threshold; they add up over images (the challenge pooled a whole stack). */
export interface PixelCounts {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

/**
 * The counts of `probabilities >= threshold` against `truth`, one entry per threshold, so that
 * a caller can add them over the images of a stack and take ONE best threshold for all, as the
 * ISBI 2012 script does (`bestFScoreOfCounts`).
 *
 * @param probabilities // [height, width] foreground probability per pixel
 * @param truth // [height, width] 0 (background) or 1 (foreground)
 */
export function pixelCountsPerThreshold(
  probabilities: ArrayLike<number>,
  truth: ArrayLike<number>,
  thresholds: readonly number[] = DEFAULT_PIXEL_THRESHOLDS,
): PixelCounts[] {
  checkPixelArrays(probabilities, truth);
  checkThresholds(thresholds);
  return thresholds.map((threshold) => {
    let truePositives = 0;
    let falsePositives = 0;
    let falseNegatives = 0;
    for (let index = 0; index < truth.length; index++) {
      const predictedForeground = probabilities[index]! >= threshold;
      const trueForeground = truth[index] === 1;
      if (predictedForeground && trueForeground) truePositives++;
      else if (predictedForeground) falsePositives++;
      else if (trueForeground) falseNegatives++;
    }
    return { truePositives, falsePositives, falseNegatives };
  });
}

/** The best F-score of per-threshold counts (summed over any number of images). */
export function bestFScoreOfCounts(counts: readonly PixelCounts[], thresholds: readonly number[]): BestPixelFScore {
  checkThresholds(thresholds);
  if (counts.length !== thresholds.length) {
    throw new PixelErrorArgumentError(
      `pixel_error: ${counts.length} sets of counts for ${thresholds.length} thresholds: pass one per threshold`,
    );
  }
  let best: BestPixelFScore = { fScore: -1, threshold: Number.NaN };
  counts.forEach((count, index) => {
    const fScore = fScoreOf(count.truePositives, count.falsePositives, count.falseNegatives);
    if (fScore > best.fScore) best = { fScore, threshold: thresholds[index]! };
  });
  return best;
}

/**
 * The best F-score of `probabilities >= threshold` against `truth` over `thresholds`.
 *
 * @param probabilities // [height, width] foreground probability per pixel
 * @param truth // [height, width] 0 (background) or 1 (foreground)
 */
export function bestPixelFScore(
  probabilities: ArrayLike<number>,
  truth: ArrayLike<number>,
  thresholds: readonly number[] = DEFAULT_PIXEL_THRESHOLDS,
): BestPixelFScore {
  return bestFScoreOfCounts(pixelCountsPerThreshold(probabilities, truth, thresholds), thresholds);
}

/**
 * 1 - the best F-score over `thresholds` (default 0..1 step 0.01).
 *
 * @param probabilities // [height, width] foreground probability per pixel
 * @param truth // [height, width] 0 (background) or 1 (foreground)
 */
export function pixelError(
  probabilities: ArrayLike<number>,
  truth: ArrayLike<number>,
  thresholds: readonly number[] = DEFAULT_PIXEL_THRESHOLDS,
): number {
  return 1 - bestPixelFScore(probabilities, truth, thresholds).fScore;
}

/**
 * 1 - the F-score of a fixed mask: any non-zero value of `predictedMask` is foreground.
 *
 * @param predictedMask // [height, width] 0 or non-zero
 * @param truth // [height, width] 0 (background) or 1 (foreground)
 */
export function pixelErrorOfMask(predictedMask: ArrayLike<number>, truth: ArrayLike<number>): number {
  // A 0/1 map at threshold 0.5 is the mask itself.
  const asProbabilities = Uint8Array.from({ length: predictedMask.length }, (_, index) => (predictedMask[index] !== 0 ? 1 : 0));
  return 1 - bestFScoreOfCounts(pixelCountsPerThreshold(asProbabilities, truth, [0.5]), [0.5]).fScore;
}

function fScoreOf(truePositives: number, falsePositives: number, falseNegatives: number): number {
  const denominator = 2 * truePositives + falsePositives + falseNegatives;
  return denominator === 0 ? 1 : (2 * truePositives) / denominator;
}

function checkThresholds(thresholds: readonly number[]): void {
  if (thresholds.length === 0) {
    throw new PixelErrorArgumentError('pixel_error: no thresholds were given: pass at least one, or leave the default 0..1 step 0.01');
  }
}

function checkPixelArrays(predicted: ArrayLike<number>, truth: ArrayLike<number>): void {
  if (predicted.length !== truth.length) {
    throw new PixelErrorArgumentError(
      `pixel_error: the prediction has ${predicted.length} pixels and the truth ${truth.length}: ` +
        'pass two images of the same height and width',
    );
  }
  for (let index = 0; index < truth.length; index++) {
    const value = truth[index];
    if (value !== 0 && value !== 1) {
      throw new PixelErrorArgumentError(
        `pixel_error: the truth has the value ${value} at pixel ${index}: pass 0 for background and ` +
          '1 for foreground (divide a 0/255 mask by 255)',
      );
    }
  }
}
