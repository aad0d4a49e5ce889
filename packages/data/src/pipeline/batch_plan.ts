/**
 * What each slot of a step's batch holds, before any pixel is resampled: the sample (with its
 * weight map) and the slot's random stream. The samples of step s are positions
 * s * batchSize ... s * batchSize + batchSize - 1 of an endless sequence made of one seeded
 * permutation of the data set per epoch (every sample once per epoch, no replacement), and slot b
 * of step s draws its crop and augmentation from createRandom(seed, 'tile', s, b). So the plan is
 * a pure function of (seed, step): a resumed run gets exactly the batches it would have got, and
 * every pipeline built on it (createBatchSource on this thread, the worker threads, the GPU
 * augmentation of @unet/backend-webgpu) makes the same tiles.
 *
 * Each sample's weight map is computed once, on its un-augmented ground truth, and kept in a
 * small cache with the sample.
 */
import { type Random, createRandom } from '../random.js';
import type { Dataset, Sample } from '../sample.js';
import { sampleWeightMap } from '../tiles/sample_weights.js';
import { BatchSourceError, type BatchSourceOptions, checkBatchSourceOptions } from './batch_source_options.js';

/** One slot of a step's batch. */
export interface PlannedTile {
  /** The sample's index in the data set (a cache key for what is made from it). */
  sampleIndex: number;
  sample: Sample;
  /** [height, width] of the sample: its weight map; absent when the options turn weights off. */
  weights?: Float32Array;
  /** The slot's own stream: drawTrainingTile(…, random, …) draws its crop and augmentation. */
  random: Random;
}

export interface BatchPlan {
  readonly stepsPerEpoch: number;
  /** The batch of step `step` (0-based), one entry per slot. */
  plan(step: number): Promise<PlannedTile[]>;
  /** Drops the cached samples; plan() throws afterwards. */
  dispose(): void;
}

export function createBatchPlan(options: BatchSourceOptions & { dataset: Dataset }): BatchPlan {
  checkBatchSourceOptions(options);
  const { dataset, batchSize, seed, classes, cacheSize = 64 } = options;
  if (dataset.size < 1) {
    throw new BatchSourceError(`batch_plan.ts: the data set '${dataset.name}' has no samples; check its root and split.`);
  }
  const weightSettings = options.weightMap === false ? undefined : (options.weightMap ?? {});
  const { ignoreLabel } = dataset;
  const cache = new Map<number, Promise<{ sample: Sample; weights?: Float32Array }>>();
  const permutations = new Map<number, Int32Array>();
  let disposed = false;

  const prepare = async (index: number): Promise<{ sample: Sample; weights?: Float32Array }> => {
    const sample = await dataset.get(index);
    if (sample.image.channels !== dataset.channels) {
      throw new BatchSourceError(
        `batch_plan.ts: sample '${sample.id}' of '${dataset.name}' has ${sample.image.channels} channels, the data set ${dataset.channels}; convert the images to one channel count.`,
      );
    }
    if (classes !== undefined) {
      for (const value of sample.mask.data) {
        if ((value < 0 || value >= classes) && value !== ignoreLabel) {
          throw new BatchSourceError(
            `batch_plan.ts: the mask of sample '${sample.id}' of '${dataset.name}' holds ${value}, not a class id 0..${classes - 1}${ignoreLabel === undefined ? '' : ` or the ignore label ${ignoreLabel}`}; map its values to class ids (a label mapping) or raise classes.`,
          );
        }
      }
    }
    return { sample, weights: weightSettings ? sampleWeightMap(sample, weightSettings, ignoreLabel) : undefined };
  };

  const prepared = (index: number): Promise<{ sample: Sample; weights?: Float32Array }> => {
    let entry = cache.get(index);
    if (entry) {
      // Most recently used last, so the first key is the one to evict.
      cache.delete(index);
    } else {
      entry = prepare(index);
      // A failed read is not kept: the next request tries again.
      entry.catch(() => cache.delete(index));
    }
    cache.set(index, entry);
    while (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
    return entry;
  };

  const indexOf = (step: number, slot: number): number => {
    const position = step * batchSize + slot;
    const epoch = Math.floor(position / dataset.size);
    let permutation = permutations.get(epoch);
    if (!permutation) {
      permutation = createRandom(seed, 'epoch', epoch).permutation(dataset.size);
      permutations.set(epoch, permutation);
      // A step spans at most a few epochs; older ones are not asked for again in order.
      if (permutations.size > 4) permutations.delete(permutations.keys().next().value!);
    }
    return permutation[position % dataset.size];
  };

  return {
    stepsPerEpoch: Math.ceil(dataset.size / batchSize),
    async plan(step: number): Promise<PlannedTile[]> {
      if (disposed) throw new BatchSourceError('batch_plan.ts: batch() after dispose(); create a new source.');
      if (!Number.isSafeInteger(step) || step < 0) {
        throw new BatchSourceError(`batch_plan.ts: step must be a whole number >= 0, got ${step}; steps count from 0.`);
      }
      const indices = Array.from({ length: batchSize }, (_, slot) => indexOf(step, slot));
      const samples = await Promise.all(indices.map((index) => prepared(index)));
      return samples.map(({ sample, weights }, slot) => ({
        sampleIndex: indices[slot],
        sample,
        weights,
        random: createRandom(seed, 'tile', step, slot),
      }));
    },
    dispose() {
      disposed = true;
      cache.clear();
      permutations.clear();
    },
  };
}
