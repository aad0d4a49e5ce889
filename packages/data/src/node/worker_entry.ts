/**
 * A worker thread of createWorkerBatchSource: it re-creates the data set from its plain JSON
 * options, makes the batches asked for with the same createBatchSource as the main thread (so
 * they are byte-identical), and sends them back with their buffers transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createBatchSource } from '../pipeline/batch_source.js';
import type { Dataset } from '../sample.js';
import { createSyntheticDataset } from '../synthetic/synthetic_dataset.js';
import type { FromWorker, ToWorker, WorkerDatasetOptions, WorkerSetup } from './worker_messages.js';

async function openDataset(options: WorkerDatasetOptions): Promise<Dataset> {
  if (options.format === 'synthetic') {
    const { format: _format, ...rest } = options;
    return createSyntheticDataset(rest);
  }
  // Loaded by name at run time: the readers are built beside this file and are not needed for
  // synthetic data, so this file does not tie its build to theirs.
  const specifier = './load_dataset.js';
  const { loadDataset } = (await import(specifier)) as { loadDataset(options: WorkerDatasetOptions): Promise<Dataset> };
  return loadDataset(options);
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
    source.batch(message.step).then(
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
