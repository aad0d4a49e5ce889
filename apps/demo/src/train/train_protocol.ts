import type * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../backends/select_backend.js';
import type { BrowserTrainingOptions, TrainingPreview } from './train_in_browser.js';

/** The messages between the page (train_client.ts) and the training worker (train_worker.ts). */
export type ToTrainWorker =
  | { type: 'train'; options: BrowserTrainingOptions; backend: BackendName; wasmFolder: string }
  /** Ends the run after the step under way; the model so far comes back as usual. */
  | { type: 'stop' };

export type FromTrainWorker =
  | { type: 'started'; backend: string; kernels?: string }
  | { type: 'step'; step: number; loss: number }
  | { type: 'preview'; preview: TrainingPreview }
  | { type: 'done'; artifacts: tf.io.ModelArtifacts; losses: number[] }
  | { type: 'error'; message: string };
