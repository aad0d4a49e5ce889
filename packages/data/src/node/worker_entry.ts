/**
 * A worker thread of createWorkerBatchSource: it re-creates the data set from its plain JSON
 * options, makes the batches asked for with the same createBatchSource as the main thread (so
 * they are byte-identical), and sends them back with their buffers transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createBatchSource } from '../pipeline/batch_source.js';
import type { Dataset } from '../sample.js';
import type { LoadDatasetOptions } from '../load_dataset_options.js';
import { loadDataset } from './load_dataset.js';
import type { FromWorker, ToWorker, WorkerDatasetOptions, WorkerSetup } from './worker_messages.js';

// A static import (not one by name at run time), so that bundlers take the readers along.
function openDataset(options: WorkerDatasetOptions): Promise<Dataset> {
  return loadDataset(options as unknown as LoadDatasetOptions);
}

function send(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}

async function main(): Promise<void> {
  const { datasetOptions, sourceOptions } = workerData as WorkerSetup;
  let source: ReturnType<typeof createBatchSource>;
  try {
    const dataset = await openDataset(datasetOptions);
    source = createBatchSource({ ...sourceOptions, dataset });
    send({ type: 'ready', size: dataset.size, name: dataset.name });
  } catch (error) {
    send({ type: 'error', name: (error as Error).name, message: (error as Error).message });
    return;
  }
  parentPort!.on('message', (message: ToWorker) => {
    Promise.resolve(source.batch(message.step)).then(
      (batch) => {
        const buffers = [batch.images.buffer, batch.masks.buffer];
        if (batch.weights) buffers.push(batch.weights.buffer);
        send({ type: 'batch', step: message.step, batch }, buffers as ArrayBuffer[]);
      },
      (error: Error) => send({ type: 'error', step: message.step, name: error.name, message: error.message }),
    );
  });
}

void main();
