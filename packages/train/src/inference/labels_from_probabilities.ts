import { SegmentImageError } from '../errors.js';

/**
 * The class of each pixel: the most probable one (the first on ties), or for a 1-class
 * (sigmoid) map, 1 where the probability reaches `threshold`.
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
  if (classes === 1) {
    const threshold = options.threshold ?? 0.5;
    for (let pixel = 0; pixel < labels.length; pixel++) labels[pixel] = probabilities[pixel] >= threshold ? 1 : 0;
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
