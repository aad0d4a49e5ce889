/**
 * Training batches, a pure function of (seed, step): the samples of step s are positions
 * s * batchSize ... s * batchSize + batchSize - 1 of an endless sequence made of one seeded
 * permutation of the data set per epoch (every sample once per epoch, no replacement), and slot b
 * of step s is cropped and augmented with the stream createRandom(seed, 'tile', s, b). So a run
 * resumed at step s gets exactly the batches it would have got, and worker threads make the same
 * batches as this in-thread source (see node/worker_batch_source.ts).
 *
 * Each sample's weight map is computed once, on its un-augmented ground truth, kept in a small
 * cache with the sample, and deformed with the sample's tile.
 */
import type { BatchSource, TrainingBatch } from '@unet/core';
import { type AugmentationOptions, resolveAugmentation } from '../augment/augmentation.js';
import { createRandom } from '../random.js';
import type { Dataset, Sample } from '../sample.js';
import { type WeightMapSettings, sampleWeightMap } from '../tiles/sample_weights.js';
import { extractTrainingTile, tileMargin } from '../tiles/training_tile.js';

/** How batches are made; plain JSON, so that it crosses to worker threads and into checkpoints. */
export interface BatchSourceOptions {
  batchSize: number;
  /** Side of the network's input tile (e.g. 252 for the unpadded depth-4 net, 128 for a padded one). */
  inputSize: number;
  /** Side of the network's output tile (input - 184 unpadded at depth 4; = input padded). */
  outputSize: number;
  /** The augmentation; omitted: the paper's (PAPER_AUGMENTATION); false: none. */
  augmentation?: AugmentationOptions | false;
  /** The paper's weight map; omitted: w0 = 10, sigma = 5, class balance; false: no weights in the batches. */
  weightMap?: WeightMapSettings | false;
  /** Every random draw derives from it. */
  seed: number;
  /** Number of classes; when given, masks are checked to hold 0..classes-1 (or the ignore label). */
  classes?: number;
  /** Samples kept in memory with their weight maps; default 64. */
  cacheSize?: number;
}

/** Options or samples from which no batch can be made; the message names the value and the fix. */
export class BatchSourceError extends Error {
  override readonly name = 'BatchSourceError';

  constructor(message: string) {
    super(message);
  }
}

/** A sample with its weight map, ready for cropping. */
interface PreparedSample {
  sample: Sample;
  weights?: Float32Array;
}

/** Checks the options that do not depend on the data set; shared with the worker source. */
export function checkBatchSourceOptions(options: BatchSourceOptions): void {
  const { batchSize, seed, classes, cacheSize = 64 } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new BatchSourceError(`batch_source.ts: batchSize must be a whole number >= 1, got ${batchSize}; the paper uses 1 large tile.`);
  }
  if (!Number.isSafeInteger(seed)) {
    throw new BatchSourceError(`batch_source.ts: seed must be a whole number, got ${seed}; pass e.g. 0.`);
  }
  if (classes !== undefined && (!Number.isInteger(classes) || classes < 2)) {
    throw new BatchSourceError(
      `batch_source.ts: classes must be a whole number >= 2, got ${classes}; pass the number of classes the network predicts.`,
    );
  }
  if (!Number.isInteger(cacheSize) || cacheSize < 1) {
    throw new BatchSourceError(`batch_source.ts: cacheSize must be a whole number >= 1, got ${cacheSize}; pass e.g. 64.`);
  }
  tileMargin(options.inputSize, options.outputSize);
  resolveAugmentation(options.augmentation);
}

export function createBatchSource(options: BatchSourceOptions & { dataset: Dataset }): BatchSource {
  checkBatchSourceOptions(options);
  const { dataset, batchSize, inputSize, outputSize, seed, classes, cacheSize = 64 } = options;
  if (dataset.size < 1) {
    throw new BatchSourceError(`batch_source.ts: the data set '${dataset.name}' has no samples; check its root and split.`);
  }
  const augmentation = resolveAugmentation(options.augmentation);
  const weightSettings = options.weightMap === false ? undefined : (options.weightMap ?? {});
  const { ignoreLabel } = dataset;
  const cache = new Map<number, Promise<PreparedSample>>();
  const permutations = new Map<number, Int32Array>();
  let disposed = false;

  const prepare = async (index: number): Promise<PreparedSample> => {
    const sample = await dataset.get(index);
    if (sample.image.channels !== dataset.channels) {
      throw new BatchSourceError(
        `batch_source.ts: sample '${sample.id}' of '${dataset.name}' has ${sample.image.channels} channels, the data set ${dataset.channels}; convert the images to one channel count.`,
      );
    }
    if (classes !== undefined) {
      for (const value of sample.mask.data) {
        if ((value < 0 || value >= classes) && value !== ignoreLabel) {
          throw new BatchSourceError(
            `batch_source.ts: the mask of sample '${sample.id}' of '${dataset.name}' holds ${value}, not a class id 0..${classes - 1}${ignoreLabel === undefined ? '' : ` or the ignore label ${ignoreLabel}`}; map its values to class ids (a label mapping) or raise classes.`,
          );
        }
      }
    }
    return { sample, weights: weightSettings ? sampleWeightMap(sample, weightSettings, ignoreLabel) : undefined };
  };

  const prepared = (index: number): Promise<PreparedSample> => {
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
    async batch(step: number): Promise<TrainingBatch> {
      if (disposed) throw new BatchSourceError('batch_source.ts: batch() after dispose(); create a new source.');
      if (!Number.isSafeInteger(step) || step < 0) {
        throw new BatchSourceError(`batch_source.ts: step must be a whole number >= 0, got ${step}; steps count from 0.`);
      }
      const samples = await Promise.all(Array.from({ length: batchSize }, (_, slot) => prepared(indexOf(step, slot))));
      const channels = dataset.channels;
      const inputPixels = inputSize * inputSize;
      const outputPixels = outputSize * outputSize;
      const images = new Float32Array(batchSize * inputPixels * channels);
      const masks = new Int32Array(batchSize * outputPixels);
      const weights = weightSettings ? new Float32Array(batchSize * outputPixels) : undefined;
      samples.forEach(({ sample, weights: sampleWeights }, slot) => {
        const tile = extractTrainingTile(sample, sampleWeights, createRandom(seed, 'tile', step, slot), {
          inputSize,
          outputSize,
          augmentation,
          ignoreLabel,
        });
        images.set(tile.image, slot * inputPixels * channels);
        masks.set(tile.mask, slot * outputPixels);
        if (weights && tile.weights) weights.set(tile.weights, slot * outputPixels);
      });
      return {
        batchSize,
        inputHeight: inputSize,
        inputWidth: inputSize,
        channels,
        outputHeight: outputSize,
        outputWidth: outputSize,
        images,
        masks,
        weights,
      };
    },
    dispose() {
      disposed = true;
      cache.clear();
      permutations.clear();
    },
  };
}
