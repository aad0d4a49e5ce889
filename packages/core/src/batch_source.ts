import type { TrainingBatch } from './training_batch.js';

/**
 * Where training gets its batches: `@unet/data`'s sources (on this thread or on worker threads)
 * make them, `@unet/train`'s fit takes them. Declared here so that neither depends on the other.
 * `Batch` is TrainingBatch (typed arrays) for the CPU pipelines, TensorTrainingBatch for one that
 * makes its tiles on the backend.
 */
export interface BatchSource<Batch = TrainingBatch> {
  /**
   * The batch of the step with this 0-based index (index = step - 1). It must depend on the index
   * alone (e.g. a generator seeded with (seed, index)), so that a resumed run sees the batches it
   * would have seen.
   */
  batch(index: number): Promise<Batch> | Batch;
  /** Steps per pass over the data set, rounded up. */
  readonly stepsPerEpoch: number;
  /** Releases what the source holds (its cache, its worker threads). */
  dispose(): void;
}
