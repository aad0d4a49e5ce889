/** The messages between createWorkerBatchSource and its worker threads (worker_entry.ts). */
import type { TrainingBatch } from '@unet/core';
import type { BatchSourceOptions } from '../pipeline/batch_source.js';

/** The options of loadDataset (or of the synthetic data set): plain JSON with a `format`. */
export interface WorkerDatasetOptions {
  format: string;
  [option: string]: unknown;
}

/** What each worker is started with (`workerData`). */
export interface WorkerSetup {
  datasetOptions: WorkerDatasetOptions;
  sourceOptions: BatchSourceOptions;
}

export type ToWorker = { type: 'batch'; step: number };

export type FromWorker =
  | { type: 'ready'; size: number; name: string }
  | { type: 'batch'; step: number; batch: TrainingBatch }
  /** `step` is absent when the worker failed while starting. */
  | { type: 'error'; step?: number; name: string; message: string };
