import type { TrainingBatch } from '@unet/core';

export function diskBatches(options: { size: number; batchSize: number; seed?: number; margin?: number }): {
  batch(index: number): TrainingBatch;
};
