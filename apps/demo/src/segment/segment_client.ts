import type * as tf from '@tensorflow/tfjs-core';
import type { ImageArray } from '@unet/core';
import type { BackendChoice, BackendName } from '../backends/select_backend.js';
import type { ModelSource } from '../model/model_source.js';
import type { FromSegmentWorker, OnnxEngineChoice, ToSegmentWorker } from './segment_protocol.js';
import type { Segmentation } from './segment_tiles.js';

/** A segmentation stopped by `cancel()`; not a failure, the page says so and carries on. */
export class SegmentationCancelledError extends Error {
  override readonly name = 'SegmentationCancelledError';

  constructor() {
    super('segment_client: the segmentation was cancelled');
  }
}

export interface WorkerSegmentation {
  segmentation: Segmentation;
  /** The backend the worker ran on, with those it skipped. */
  backend: BackendChoice;
  /** Where the model was an .onnx file: the ONNX Runtime provider that ran it instead of the backend. */
  onnx?: OnnxEngineChoice;
  /** How long each tile took in the worker, in milliseconds. */
  tileMs: number[];
}

export interface WorkerSegmentOptions {
  backend: BackendName;
  wasmFolder: string;
  outputTileSize?: number;
  threshold?: number;
  onProgress?: (tilesDone: number, tiles: number) => void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (tilesDone: number, tiles: number) => void;
}

/**
 * The page's side of segment_worker.ts: one worker, started on first use, which keeps the last
 * model it was sent (by source) so that its weights cross once. `cancel()` ends the worker, midway
 * through a tile if need be, and the next call starts a new one.
 */
export class SegmentClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly modelKeys = new WeakMap<ModelSource, number>();
  /** The model the current worker holds. */
  private workerModelKey: number | null = null;

  private start(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = new Worker(new URL('./segment_worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<FromSegmentWorker>) => this.receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.failAll(new Error(`segment_client: the segmentation worker failed to start (${event.message || 'see the console'})`));
    };
    this.worker = worker;
    this.workerModelKey = null;
    return worker;
  }

  private receive(message: FromSegmentWorker): void {
    const pending = this.pending.get(message.id);
    if (pending === undefined) return;
    if (message.type === 'progress') {
      pending.onProgress?.(message.tilesDone, message.tiles);
      return;
    }
    this.pending.delete(message.id);
    if (message.type === 'error') {
      // The worker may have failed to build the model (an ONNX Runtime session that did not start): send it again next time.
      this.workerModelKey = null;
      pending.reject(new Error(message.message));
    } else if (message.type === 'memory') pending.resolve(message.memory);
    else pending.resolve({ segmentation: message.segmentation, backend: message.backend, onnx: message.onnx, tileMs: message.tileMs });
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  private request<T>(message: ToSegmentWorker, transfer: Transferable[], onProgress?: Pending['onProgress']): Promise<T> {
    const worker = this.start();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(message.id, { resolve: resolve as (value: unknown) => void, reject, onProgress });
      worker.postMessage(message, transfer);
    });
  }

  private keyOf(source: ModelSource): number {
    let key = this.modelKeys.get(source);
    if (key === undefined) {
      key = this.nextId++;
      this.modelKeys.set(source, key);
    }
    return key;
  }

  /** Segments `image` (copied to the worker) with `source`'s model in the worker. */
  segment(source: ModelSource, image: ImageArray, options: WorkerSegmentOptions): Promise<WorkerSegmentation> {
    this.start();
    const modelKey = this.keyOf(source);
    const sendModel = this.workerModelKey !== modelKey;
    this.workerModelKey = modelKey;
    return this.request<WorkerSegmentation>(
      {
        type: 'segment',
        id: this.nextId++,
        wasmFolder: options.wasmFolder,
        backend: options.backend,
        modelKey,
        // An .onnx model's graph goes instead of its weights: the worker runs it in ONNX Runtime.
        artifacts: sendModel && source.onnx === undefined ? source.artifacts : undefined,
        onnx: sendModel ? source.onnx : undefined,
        image,
        outputTileSize: options.outputTileSize,
        threshold: options.threshold,
      },
      [],
      options.onProgress,
    );
  }

  /** tf.memory() of the worker's engine (a fresh worker's when none runs). */
  memory(): Promise<tf.MemoryInfo> {
    return this.request<tf.MemoryInfo>({ type: 'memory', id: this.nextId++ }, []);
  }

  /** Ends the worker now; what it was doing rejects with SegmentationCancelledError. */
  cancel(): void {
    this.worker?.terminate();
    this.worker = null;
    this.workerModelKey = null;
    this.failAll(new SegmentationCancelledError());
  }
}
