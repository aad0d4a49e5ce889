import type { TrainingBatch } from '../../batch.js';

export function diskBatches(options: { size: number; batchSize: number; seed?: number; margin?: number }): {
  batch(index: number): TrainingBatch;
};
