import type { TrainingBatch } from '@unet/core';
import { describe, expect, it } from 'vitest';
import { BatchSourceError, createBatchSource } from '../pipeline/batch_source.js';
import { createSyntheticDataset } from '../synthetic/synthetic_dataset.js';
import { createWorkerBatchSource } from './worker_batch_source.js';

// The workers run the built dist/node/worker_entry.js: `pnpm test` builds first (turbo); when
// running vitest by hand, build @unet/data after changing the sources.

function bytesOf(batch: TrainingBatch): Buffer {
  return Buffer.concat([
    Buffer.from(batch.images.buffer, batch.images.byteOffset, batch.images.byteLength),
    Buffer.from(batch.masks.buffer, batch.masks.byteOffset, batch.masks.byteLength),
    batch.weights ? Buffer.from(batch.weights.buffer, batch.weights.byteOffset, batch.weights.byteLength) : Buffer.alloc(0),
  ]);
}

const datasetOptions = { kind: 'em' as const, seed: 4, size: 5, height: 80, width: 80 };
const sourceOptions = { batchSize: 2, inputSize: 124, outputSize: 36, seed: 17, classes: 2 };

describe('createWorkerBatchSource', () => {
  it('yields byte-identical batches to the in-thread source, for any order of steps, and closes its workers', async () => {
    const local = createBatchSource({ ...sourceOptions, dataset: createSyntheticDataset(datasetOptions) });
    const workers = await createWorkerBatchSource({ format: 'synthetic', ...datasetOptions }, sourceOptions, { workers: 2, prefetch: 3 });
    expect(workers.datasetSize).toBe(5);
    expect(workers.stepsPerEpoch).toBe(3);
    for (const step of [0, 1, 2, 3, 7, 4]) {
      const fromWorker = await workers.batch(step);
      const fromThread = await local.batch(step);
      expect(fromWorker).toMatchObject({ batchSize: 2, inputHeight: 124, outputHeight: 36, channels: 1 });
      expect(fromWorker.weights).toBeInstanceOf(Float32Array);
      expect(bytesOf(fromWorker).equals(bytesOf(fromThread))).toBe(true);
    }
    // Steps asked for at once, out of order, each by two callers: all arrive, all identical.
    const steps = [9, 8, 10, 9, 8, 10];
    const together = await Promise.all(steps.map((step) => workers.batch(step)));
    for (const [index, step] of steps.entries()) expect(bytesOf(together[index]).equals(bytesOf(await local.batch(step)))).toBe(true);
    await workers.close();
    await expect(workers.batch(5)).rejects.toThrow(/closed/);
  });

  it('reports a data set that cannot be opened, and options that are wrong, without hanging', async () => {
    await expect(createWorkerBatchSource({ format: 'synthetic', kind: 'ct' }, sourceOptions, { workers: 1 })).rejects.toThrow(
      /could not open the data set: SyntheticDatasetError: .*kind 'ct'/,
    );
    await expect(createWorkerBatchSource({ format: 'synthetic' }, { ...sourceOptions, batchSize: 0 })).rejects.toThrow(BatchSourceError);
  });

  it('reports a failing step when it is asked for', async () => {
    // A w0 below 0 is refused by core's weight map only when a sample's map is made: the
    // workers start, and the step fails in the worker.
    const workers = await createWorkerBatchSource(
      { format: 'synthetic', ...datasetOptions },
      { ...sourceOptions, weightMap: { w0: -1 } },
      { workers: 1, prefetch: 0 },
    );
    await expect(workers.batch(0)).rejects.toThrow(/step 0: WeightMapError: .*w0 must be a finite number >= 0/);
    await workers.close();
  });
});
