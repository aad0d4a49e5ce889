/**
 * The loss weights of one sample: the paper's weight map (Ronneberger et al. 2015, equation 2),
 * computed once on the un-augmented ground truth and then deformed with the sample, as the paper
 * did with its precomputed weight maps.
 *
 * The cells are the sample's instances where it has them, else the 4-connected components of its
 * non-zero classes. Pixels of the ignore label (VOC's 255) get weight 0, are no cell, and are left
 * out of the class-frequency balance, so that a border of void pixels does not shift the weights
 * of the classes that count.
 */
import { labelConnectedComponents, unetWeightMap } from '@unet/core';
import type { Sample } from '../sample.js';
import { TrainingTileError } from './tile_error.js';

/** How the weight map is made; the defaults are the paper's. Plain JSON. */
export interface WeightMapSettings {
  /** Height of the border term; 10 in the paper. */
  w0?: number;
  /** Fall-off of the border term, in pixels; about 5 in the paper. */
  sigma?: number;
  /** Balance class frequencies (w_c); true by default. */
  classBalance?: boolean;
}

/**
 * @returns // [height, width], float32: w_c(x) + w0 exp(-(d1 + d2)^2 / (2 sigma^2)), 0 on ignore pixels
 */
export function sampleWeightMap(sample: Sample, settings: WeightMapSettings = {}, ignoreLabel?: number): Float32Array {
  const { w0 = 10, sigma = 5, classBalance = true } = settings;
  const { height, width, data: mask } = sample.mask;
  const size = height * width;
  const ignored = (i: number) => ignoreLabel !== undefined && mask[i] === ignoreLabel;
  let instances: Int32Array;
  if (sample.instances) {
    if (sample.instances.height !== height || sample.instances.width !== width) {
      throw new TrainingTileError(
        `sample_weights.ts: sample '${sample.id}' has ${sample.instances.height} x ${sample.instances.width} instances but a ${height} x ${width} mask; they must have the same size.`,
      );
    }
    // Instance pixels count as cell only where the mask gives them the instances' own class (for
    // a Cell Tracking Challenge sample, class 1): a separation border carved out of the mask
    // (ctc layout) is background to the weight map, and gets the paper's border weight.
    const instanceClass = majorityClassOfInstances(sample.instances.data, mask);
    instances = Int32Array.from(sample.instances.data, (id, i) => (ignored(i) || mask[i] !== instanceClass ? 0 : id));
  } else {
    const foreground = Uint8Array.from(mask, (value, i) => (value !== 0 && !ignored(i) ? 1 : 0));
    instances = labelConnectedComponents(foreground, height, width, 4).labels;
  }
  const classes = Int32Array.from(mask, (value, i) => (ignored(i) ? 0 : value));
  // With w_c = 1 the core map is 1 + the border term; the class balance is added here without the ignored pixels.
  const weights = unetWeightMap({ instances, classes, height, width, w0, sigma, classBalance: false });
  const counts = new Map<number, number>();
  let counted = 0;
  for (let i = 0; i < size; i++) {
    if (ignored(i)) continue;
    counts.set(mask[i], (counts.get(mask[i]) ?? 0) + 1);
    counted++;
  }
  for (let i = 0; i < size; i++) {
    if (ignored(i)) {
      weights[i] = 0;
      continue;
    }
    const classWeight = classBalance ? counted / (counts.size * counts.get(mask[i])!) : 1;
    weights[i] = weights[i] - 1 + classWeight;
  }
  return weights;
}

/** The class that most instance pixels have in the mask (cells: 1 for ctc, 0 for ISBI's cells). */
function majorityClassOfInstances(instances: ArrayLike<number>, mask: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < instances.length; i++) if (instances[i] !== 0) counts.set(mask[i]!, (counts.get(mask[i]!) ?? 0) + 1);
  let best = 0;
  let bestCount = -1;
  for (const [value, count] of counts) {
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}
