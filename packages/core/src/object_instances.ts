import { labelConnectedComponents } from './connected_components.js';
import { seededInstances } from './seeded_instances.js';

/**
 * How objects (cells) are cut out of a prediction:
 * - 'components': the 4-connected components of the pixels where the object class wins;
 * - 'seeded': `seededInstances`: the cores where the network is sure (p >= 0.9) seed one object
 *   each, grown over the object pixels by falling probability, so that two cells joined by a
 *   few uncertain pixels stay two.
 */
export type InstanceMethod = 'components' | 'seeded';

export const instanceMethods: readonly InstanceMethod[] = ['components', 'seeded'];

/**
 * The objects of a prediction, the same in `unet predict --instances`, `unet eval`'s SEG and the
 * demo's object view.
 *
 * @param objectProbability // [height, width] probability of the object class
 * @returns // [height, width] object ids 1, 2, ..., 0 = background
 */
export function objectInstances(objectProbability: Float32Array, height: number, width: number, method: InstanceMethod): Int32Array {
  if (method === 'seeded') return seededInstances(objectProbability, height, width);
  return labelConnectedComponents(
    objectProbability.map((value) => (value >= 0.5 ? 1 : 0)),
    height,
    width,
    4,
  ).labels;
}
