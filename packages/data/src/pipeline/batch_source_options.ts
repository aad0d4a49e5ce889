/**
 * The options of a batch source (plain JSON, so that they cross to worker threads and into
 * checkpoints), their check and the error of a source that cannot make batches. Shared by
 * createBatchPlan, createBatchSource and the worker source.
 */
import { resolveAugmentation, type AugmentationOptions } from '../augment/augmentation.js';
import type { WeightMapSettings } from '../tiles/sample_weights.js';
import { tileMargin } from '../tiles/training_tile.js';

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
