/**
 * Training batches made ahead of time by worker threads, so that augmentation (a bicubic
 * resampling of every input tile) never stalls the training step.
 *
 * Each worker re-creates the data set from its plain JSON options and runs the same
 * createBatchSource as the main thread would; a batch is a pure function of (seed, step), so
 * which worker makes which step does not change a byte. Step s goes to worker s mod workers; when
 * step s is asked for, steps s + 1 ... s + prefetch are requested too. Batches come back with
 * their buffers transferred (no copy). Idle workers do not keep Node alive; close() ends them.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TrainingBatch } from '@unet/core';
import type { BatchSource } from '@unet/core';
import { BatchSourceError, type BatchSourceOptions, checkBatchSourceOptions } from '../pipeline/batch_source.js';
import type { FromWorker, ToWorker, WorkerDatasetOptions, WorkerSetup } from './worker_messages.js';

export type { WorkerDatasetOptions } from './worker_messages.js';

export interface WorkerPoolOptions {
  /** Worker threads; default: the cores less one (for the training step), 1 to 4. */
  workers?: number;
  /** Steps made ahead of the one asked for; default 2 per worker. */
  prefetch?: number;
}

export interface WorkerBatchSource extends BatchSource {
  /** The data set's name and size, as the workers opened it. */
  readonly datasetName: string;
  readonly datasetSize: number;
  /** Ends the workers; pending batches are rejected. dispose() does the same without waiting. */
  close(): Promise<void>;
}

/**
 * The built worker entry. From the sources (vitest runs the .ts files) it is the built twin in
 * dist/, since a worker thread cannot run TypeScript: build the package first.
 */
function workerEntry(): URL {
  const beside = new URL('./worker_entry.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  const built = new URL('../../dist/node/worker_entry.js', import.meta.url);
  if (import.meta.url.endsWith('.ts') && existsSync(fileURLToPath(built))) return built;
  throw new BatchSourceError(
    `worker_batch_source.ts: the worker entry ${fileURLToPath(beside)} is missing; build @unet/data first (pnpm turbo run build --filter=@unet/data).`,
  );
}

interface Pending {
  promise: Promise<TrainingBatch>;
  /** Calls of batch() awaiting it: an entry someone awaits is never forgotten. */
  waiters: number;
  resolve(batch: TrainingBatch): void;
  reject(error: Error): void;
}

/** An error a worker reported, re-raised here with its class's name in the message. */
function workerError(prefix: string, name: string, message: string): BatchSourceError {
  return new BatchSourceError(`${prefix}${name}: ${message}`);
}

/**
 * @param datasetOptions plain JSON: loadDataset's options, or `{ format: 'synthetic', ...createSyntheticDataset's }`
 * @param sourceOptions createBatchSource's options without the data set
 */
export async function createWorkerBatchSource(
  datasetOptions: WorkerDatasetOptions,
  sourceOptions: BatchSourceOptions,
  poolOptions: WorkerPoolOptions = {},
): Promise<WorkerBatchSource> {
  checkBatchSourceOptions(sourceOptions);
  const workerCount = poolOptions.workers ?? Math.min(4, Math.max(1, availableParallelism() - 1));
  const prefetch = poolOptions.prefetch ?? 2 * workerCount;
  if (!Number.isInteger(workerCount) || workerCount < 1) {
    throw new BatchSourceError(`worker_batch_source.ts: workers must be a whole number >= 1, got ${workerCount}; pass e.g. 2.`);
  }
  if (!Number.isInteger(prefetch) || prefetch < 0) {
    throw new BatchSourceError(`worker_batch_source.ts: prefetch must be a whole number >= 0, got ${prefetch}; pass e.g. 4.`);
  }
  const entry = workerEntry();
  const setup: WorkerSetup = { datasetOptions, sourceOptions };
  const workers = Array.from({ length: workerCount }, () => new Worker(entry, { workerData: setup }));
  const pending = new Map<number, Pending>();
  const inFlight = new Array<number>(workerCount).fill(0);
  let failure: Error | undefined;
  let closed = false;

  const fail = (error: Error) => {
    failure ??= error;
    for (const entry of pending.values()) entry.reject(failure);
    pending.clear();
  };

  const ready = workers.map(
    (worker, index) =>
      new Promise<{ size: number; name: string }>((resolve, reject) => {
        worker.on('message', (message: FromWorker) => {
          if (message.type === 'ready') {
            worker.unref();
            resolve(message);
          } else if (message.type === 'error' && message.step === undefined) {
            reject(workerError('worker_batch_source.ts: a worker could not open the data set: ', message.name, message.message));
          } else {
            inFlight[index]--;
            if (inFlight[index] === 0) worker.unref();
            const entry = pending.get(message.step!);
            if (!entry) return;
            if (message.type === 'batch') entry.resolve(message.batch);
            else entry.reject(workerError(`worker_batch_source.ts: step ${message.step}: `, message.name, message.message));
          }
        });
        worker.on('error', (error) => {
          const wrapped = new BatchSourceError(`worker_batch_source.ts: worker ${index} failed: ${error.message}`);
          reject(wrapped);
          fail(wrapped);
        });
        worker.on('exit', (code) => {
          if (closed) return;
          const wrapped = new BatchSourceError(`worker_batch_source.ts: worker ${index} exited with code ${code}; see its error above.`);
          reject(wrapped);
          fail(wrapped);
        });
      }),
  );
  let opened: { size: number; name: string };
  try {
    [opened] = await Promise.all(ready);
  } catch (error) {
    closed = true;
    await Promise.all(workers.map((worker) => worker.terminate()));
    throw error;
  }

  const request = (step: number): Pending => {
    let entry = pending.get(step);
    if (entry) return entry;
    let resolve!: (batch: TrainingBatch) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<TrainingBatch>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A prefetched step that fails is reported when it is asked for, not as an unhandled rejection.
    promise.catch(() => undefined);
    entry = { promise, resolve, reject, waiters: 0 };
    pending.set(step, entry);
    const index = step % workerCount;
    inFlight[index]++;
    workers[index].ref();
    workers[index].postMessage({ type: 'batch', step } satisfies ToWorker);
    return entry;
  };

  const close = async () => {
    if (closed) return;
    closed = true;
    fail(new BatchSourceError('worker_batch_source.ts: the source was closed; create a new one.'));
    await Promise.all(workers.map((worker) => worker.terminate()));
  };

  return {
    datasetName: opened.name,
    datasetSize: opened.size,
    stepsPerEpoch: Math.ceil(opened.size / sourceOptions.batchSize),
    async batch(step: number): Promise<TrainingBatch> {
      if (failure) throw failure;
      if (!Number.isSafeInteger(step) || step < 0) {
        throw new BatchSourceError(`worker_batch_source.ts: step must be a whole number >= 0, got ${step}; steps count from 0.`);
      }
      // Prefetched steps before this one will not be asked for in order (a resume, a skip): forget them.
      for (const [key, entry] of pending) if (key < step && entry.waiters === 0) pending.delete(key);
      const entry = request(step);
      for (let ahead = 1; ahead <= prefetch; ahead++) request(step + ahead);
      entry.waiters++;
      try {
        return await entry.promise;
      } finally {
        entry.waiters--;
        if (entry.waiters === 0 && pending.get(step) === entry) pending.delete(step);
      }
    },
    dispose() {
      void close();
    },
    close,
  };
}
