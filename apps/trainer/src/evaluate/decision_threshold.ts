import type { ForegroundKind, SegmentationMeasures } from './segmentation_measures.js';

/**
 * The class-1 decision threshold that serves the monitored measure, from measures taken on the
 * validation images: the Rand error's best threshold for a run monitored by Rand error or VI,
 * else that of the best foreground F-score (the pixel error's; it also maximises the foreground's
 * Dice, and so serves IoU, Dice and SEG). Undefined where there is no choice to make (more than
 * two classes take the argmax).
 *
 * The pixel threshold is on the challenge's foreground (for a boundary task the cells, class 0),
 * so there it is turned around to class 1's probability.
 */
export function pickDecisionThreshold(measures: SegmentationMeasures, monitor: string, foreground: ForegroundKind): number | undefined {
  const best = measures.atBestThreshold;
  if (best === undefined) return undefined;
  if ((monitor === 'randError' || monitor === 'variationOfInformation') && best.randThreshold !== undefined) return best.randThreshold;
  // Rounded to the thresholds' grid of 0.01, so that 1 - 0.2 is saved as 0.8, not 0.7999999999999999.
  return foreground === 'object' ? best.pixelThreshold : Math.round((1 - best.pixelThreshold) * 100) / 100;
}
