/**
 * The training worker: trainInBrowser (fit on createBatchSource's batches) runs here, so that the
 * page draws its loss curve and takes clicks while the steps are computed. The model comes back
 * as model artifacts (its files), which the page keeps as a model source.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
// Registers tfjs-core's gradients, which training needs.
import '@unet/core';
import { toModelArtifacts } from '@unet/model';
import { selectBackend } from '../backends/select_backend.js';
import { trainInBrowser } from './train_in_browser.js';
import type { FromTrainWorker, ToTrainWorker } from './train_protocol.js';

const scope = self as unknown as {
  postMessage(message: FromTrainWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToTrainWorker>) => void) | null;
};

let stopAsked = false;

async function train(message: Extract<ToTrainWorker, { type: 'train' }>): Promise<void> {
  setWasmPaths(message.wasmFolder);
  // As on the page (main.ts): the threaded wasm build does not survive the bundler.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const backend = await selectBackend(message.backend);
  scope.postMessage({ type: 'started', backend: backend.name, kernels: backend.kernels });
  const { model, losses } = await trainInBrowser(message.options, {
    onStep: async (step, loss) => {
      scope.postMessage({ type: 'step', step, loss });
      // A macrotask between steps, so that a 'stop' message is read before the next one.
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
    onPreview: (preview) => scope.postMessage({ type: 'preview', preview }),
    shouldStop: () => stopAsked,
  });
  const artifacts = await toModelArtifacts(model, model.metadata);
  model.dispose();
  scope.postMessage({ type: 'done', artifacts, losses });
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'stop') {
    stopAsked = true;
    return;
  }
  stopAsked = false;
  train(message).catch((error: unknown) => {
    scope.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  });
};
