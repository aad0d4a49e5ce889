import type { TrainingBatch } from './training_batch.js';

/**
 * Where training gets its batches: `@unet/data`'s sources (on this thread or on worker threads)
 * make them, `@unet/train`'s fit takes them. Declared here so that neither depends on the other.
 */
export interface BatchSource {
  /**
   * The batch of the step with this 0-based index (index = step - 1). It must depend on the index
   * alone (e.g. a generator seeded with (seed, index)), so that a resumed run sees the batches it
   * would have seen.
   */
  batch(index: number): Promise<TrainingBatch> | TrainingBatch;
  /** Steps per pass over the data set, rounded up. */
  readonly stepsPerEpoch: number;
  /** Releases what the source holds (its cache, its worker threads). */
  dispose(): void;
}
