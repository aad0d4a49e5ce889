import type * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../backends/select_backend.js';
import type { BrowserTrainingOptions, TrainingPreview } from './train_in_browser.js';
import type { FromTrainWorker, ToTrainWorker } from './train_protocol.js';

export interface WorkerTrainingCallbacks {
  /** `kernels`: whose kernels run there where not tfjs's own (BackendChoice.kernels). */
  onStarted?: (backend: string, kernels?: string) => void;
  onStep?: (step: number, loss: number) => void;
  onPreview?: (preview: TrainingPreview) => void;
}

export interface WorkerTrainingResult {
  /** The trained model's files (model.json's content and the weights). */
  artifacts: tf.io.ModelArtifacts;
  losses: number[];
}

/**
 * The page's side of train_worker.ts: one worker per run (a run's tensors end with it), `stop()`
 * ends the run after the step under way and still returns the model trained so far.
 */
export class TrainClient {
  private worker: Worker | null = null;

  train(
    options: BrowserTrainingOptions,
    backend: BackendName,
    wasmFolder: string,
    callbacks: WorkerTrainingCallbacks = {},
  ): Promise<WorkerTrainingResult> {
    if (this.worker !== null) return Promise.reject(new Error('train_client: a training run is under way; stop it first'));
    const worker = new Worker(new URL('./train_worker.ts', import.meta.url), { type: 'module' });
    this.worker = worker;
    const finish = () => {
      worker.terminate();
      if (this.worker === worker) this.worker = null;
    };
    return new Promise<WorkerTrainingResult>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<FromTrainWorker>) => {
        const message = event.data;
        if (message.type === 'started') callbacks.onStarted?.(message.backend, message.kernels);
        else if (message.type === 'step') callbacks.onStep?.(message.step, message.loss);
        else if (message.type === 'preview') callbacks.onPreview?.(message.preview);
        else if (message.type === 'done') {
          finish();
          resolve({ artifacts: message.artifacts, losses: message.losses });
        } else {
          finish();
          reject(new Error(message.message));
        }
      };
      worker.onerror = (event) => {
        event.preventDefault();
        finish();
        reject(new Error(`train_client: the training worker failed (${event.message || 'see the console'})`));
      };
      const message: ToTrainWorker = { type: 'train', options, backend, wasmFolder };
      worker.postMessage(message);
    });
  }

  stop(): void {
    const message: ToTrainWorker = { type: 'stop' };
    this.worker?.postMessage(message);
  }
}
