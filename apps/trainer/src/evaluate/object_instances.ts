import { labelConnectedComponents, seededInstances } from '@unet/core';
import { UsageError } from '../usage_error.js';

/**
 * How objects (cells) are cut out of a prediction:
 * - 'components': the 4-connected components of the pixels where the object class wins;
 * - 'seeded': `seededInstances` of @unet/core: the cores where the network is sure (p >= 0.9)
 *   seed one object each, grown over the object pixels by falling probability, so that two
 *   cells joined by a few uncertain pixels stay two.
 */
export type InstanceMethod = 'components' | 'seeded';

export const instanceMethods: readonly InstanceMethod[] = ['components', 'seeded'];

/** @returns // [height, width] object ids, 0 = background */
export function objectInstances(objectProbability: Float32Array, height: number, width: number, method: InstanceMethod): Int32Array {
  if (method === 'seeded') return seededInstances(objectProbability, height, width);
  return labelConnectedComponents(objectProbability.map((value) => (value >= 0.5 ? 1 : 0)), height, width, 4).labels;
}

/**
 * The method a flag asks for, else the one saved in the model's metadata (`instanceMethod`,
 * chosen when the model was measured), else 'seeded': on the DIC-HeLa validation frames it took
 * SEG from 0.49 (components) to 0.84 for the same network, which leaves thin, uncertain gaps
 * between touching cells that components bridge.
 */
export function instanceMethodOf(flag: string | undefined, metadata: Record<string, unknown>): InstanceMethod {
  const chosen = flag ?? metadata.instanceMethod ?? 'seeded';
  if (!instanceMethods.includes(chosen as InstanceMethod)) {
    throw new UsageError(`--instance-method: must be one of ${instanceMethods.join(', ')}, got '${String(chosen)}'`);
  }
  return chosen as InstanceMethod;
}
