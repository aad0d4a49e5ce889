import { SegmentImageError } from './errors.js';

/**
 * The class of each pixel: the most probable one (the first on ties); or, with a `threshold`
 * for a two-class map, class 1 where its probability reaches it (a model's decision threshold,
 * picked on its validation images); for a 1-class (sigmoid) map, 1 where the probability
 * reaches `threshold` (0.5 when none is given).
 *
 * @param probabilities // [height, width, classes]
 * @returns class ids // [height, width]
 */
export function labelsFromProbabilities(
  probabilities: Float32Array,
  height: number,
  width: number,
  classes: number,
  options: { threshold?: number } = {},
): Int32Array {
  if (probabilities.length !== height * width * classes) {
    throw new SegmentImageError(
      `labelsFromProbabilities: ${probabilities.length} values are not height * width * classes = ` +
        `${height} * ${width} * ${classes}: pass the probabilities as [height, width, classes]`,
    );
  }
  const labels = new Int32Array(height * width);
  const { threshold } = options;
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1)) {
    throw new SegmentImageError(`labelsFromProbabilities: threshold ${threshold} is not a probability: pass a number in [0, 1]`);
  }
  if (classes === 2 && threshold !== undefined) {
    for (let pixel = 0; pixel < labels.length; pixel++) labels[pixel] = probabilities[pixel * 2 + 1] >= threshold ? 1 : 0;
    return labels;
  }
  if (classes === 1) {
    const cut = threshold ?? 0.5;
    for (let pixel = 0; pixel < labels.length; pixel++) labels[pixel] = probabilities[pixel] >= cut ? 1 : 0;
    return labels;
  }
  for (let pixel = 0; pixel < labels.length; pixel++) {
    const start = pixel * classes;
    let best = 0;
    for (let c = 1; c < classes; c++) if (probabilities[start + c] > probabilities[start + best]) best = c;
    labels[pixel] = best;
  }
  return labels;
}
