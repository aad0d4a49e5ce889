import type * as tf from '@tensorflow/tfjs-core';
import type { ImageArray } from '@unet/core';
import type { BackendChoice, BackendName } from '../backends/select_backend.js';
import type { OnnxModel } from '../model/model_source.js';
import type { Segmentation } from './segment_tiles.js';

/** The ONNX Runtime session that segmented, where the model was an .onnx file. */
export interface OnnxEngineChoice {
  description: string;
  skipped: { name: string; reason: string }[];
}

/** The messages between the page (segment_client.ts) and the segmentation worker (segment_worker.ts). */
export type ToSegmentWorker =
  | {
      type: 'segment';
      id: number;
      /** The absolute URL of the folder with tfjs-backend-wasm's .wasm files (a worker has no document to resolve against). */
      wasmFolder: string;
      /** The page's backend: the worker runs on the same one where it can. */
      backend: BackendName;
      /** Names the model; `artifacts` (or `onnx`) come only when the worker does not hold this model yet. */
      modelKey: number;
      artifacts?: tf.io.ModelArtifacts;
      /** An .onnx model: it runs in ONNX Runtime, not on the tfjs backend. */
      onnx?: OnnxModel;
      image: ImageArray;
      outputTileSize?: number;
      threshold?: number;
    }
  | { type: 'memory'; id: number };

export type FromSegmentWorker =
  | { type: 'progress'; id: number; tilesDone: number; tiles: number; tileMs: number }
  | { type: 'result'; id: number; segmentation: Segmentation; backend: BackendChoice; onnx?: OnnxEngineChoice; tileMs: number[] }
  | { type: 'memory'; id: number; memory: tf.MemoryInfo }
  | { type: 'error'; id: number; message: string };
