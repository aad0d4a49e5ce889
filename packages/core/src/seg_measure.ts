/**
 * The Cell Tracking Challenge SEG measure (the U-Net paper's "IOU" for PhC-U373 and DIC-HeLa;
 * REFERENCE.md, "Measures").
 *
 * A true object R matches the predicted object S with |R ∩ S| > 0.5 |R|; more than half of R
 * can lie in one S only, so the match is unique. Its score is the Jaccard index
 * |R ∩ S| / |R ∪ S|, or 0 when no S matches. SEG is the mean score over all true objects.
 * Label 0 is background in both images; other labels name objects. Images are flat, row-major
 * [height, width] arrays.
 */

/** Instance images that cannot be compared: different lengths. */
export class SegMeasureError extends Error {
  override readonly name = 'SegMeasureError';

  constructor(message: string) {
    super(message);
  }
}

/** The score of one true object. */
export interface SegObjectScore {
  trueLabel: number;
  /** The matching predicted label, or 0 when none covers more than half of the object. */
  predictedLabel: number;
  /** |R ∩ S| / |R ∪ S| for the match, 0 without one. */
  score: number;
}

export interface SegMeasure {
  /**
   * The mean of the per-object scores. NaN when the truth has no object: a mean over no
   * objects is undefined, and neither 0 nor 1 would be honest for an empty frame; leave such
   * frames out of an average over frames (the challenge's evaluation skips them likewise).
   */
  seg: number;
  /** One entry per true object, in increasing label order. */
  perObject: SegObjectScore[];
}

/**
 * SEG of `predictedInstances` against `trueInstances`.
 *
 * @param predictedInstances // [height, width] object labels, 0 = background
 * @param trueInstances // [height, width] object labels, 0 = background
 */
export function segMeasure(predictedInstances: ArrayLike<number>, trueInstances: ArrayLike<number>): SegMeasure {
  if (predictedInstances.length !== trueInstances.length) {
    throw new SegMeasureError(
      `seg_measure: the prediction has ${predictedInstances.length} pixels and the truth ` +
        `${trueInstances.length}: pass two instance images of the same height and width`,
    );
  }
  const trueSizes = new Map<number, number>();
  const predictedSizes = new Map<number, number>();
  // Overlaps of each true object with each predicted object: true label -> predicted -> count.
  const overlaps = new Map<number, Map<number, number>>();
  for (let index = 0; index < trueInstances.length; index++) {
    const trueLabel = trueInstances[index]!;
    const predictedLabel = predictedInstances[index]!;
    if (predictedLabel !== 0) {
      predictedSizes.set(predictedLabel, (predictedSizes.get(predictedLabel) ?? 0) + 1);
    }
    if (trueLabel === 0) continue;
    trueSizes.set(trueLabel, (trueSizes.get(trueLabel) ?? 0) + 1);
    if (predictedLabel === 0) continue;
    let row = overlaps.get(trueLabel);
    if (row === undefined) {
      row = new Map();
      overlaps.set(trueLabel, row);
    }
    row.set(predictedLabel, (row.get(predictedLabel) ?? 0) + 1);
  }

  const perObject: SegObjectScore[] = [];
  let sum = 0;
  for (const trueLabel of [...trueSizes.keys()].sort((a, b) => a - b)) {
    const trueSize = trueSizes.get(trueLabel)!;
    let entry: SegObjectScore = { trueLabel, predictedLabel: 0, score: 0 };
    for (const [predictedLabel, intersection] of overlaps.get(trueLabel) ?? []) {
      // Strictly more than half: an object split exactly in two has no match.
      if (2 * intersection <= trueSize) continue;
      const union = trueSize + predictedSizes.get(predictedLabel)! - intersection;
      entry = { trueLabel, predictedLabel, score: intersection / union };
    }
    perObject.push(entry);
    sum += entry.score;
  }
  return { seg: perObject.length === 0 ? Number.NaN : sum / perObject.length, perObject };
}
