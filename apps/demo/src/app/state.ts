import type { DecodedImage } from '@unet/data';
import type { UNet } from '@unet/model';
import type { BackendChoice } from '../backends/select_backend.js';
import type { ManifestEntry, ModelSource, ShippedModelLoad } from '../model/model_source.js';
import type { BatchItem } from '../segment/batch_panel.js';
import type { Segmentation } from '../segment/segment_tiles.js';
import { ui } from './ui.js';

export interface LoadedImage {
  name: string;
  image: DecodedImage;
}

export interface SegmentedImage extends Segmentation {
  name: string;
  elapsedMs: number;
  backend: string;
  /** Whose kernels ran on that backend where they are not tfjs's own (BackendChoice.kernels). */
  kernels?: string;
  /** Object ids of class 1 // [height, width], worked out when the objects are first shown. */
  objects?: Int32Array;
  objectCount?: number;
}

/** What the page holds: one object, so that every panel reads the same model and image. */
export const state = {
  backend: null as BackendChoice | null,
  /** The model sources by the model menu's option values. */
  sources: new Map<string, ModelSource>(),
  /** The models of public/models/manifest.json by their menu values, loaded when chosen. */
  shippedModels: new Map<string, ManifestEntry>(),
  source: null as ModelSource | null,
  /** Each shipped model loaded, from the network or from IndexedDB. */
  modelLoads: [] as ShippedModelLoad[],
  model: null as UNet | null,
  image: null as LoadedImage | null,
  result: null as SegmentedImage | null,
  /** The images dropped or opened together, in turn, with their masks. */
  batch: [] as BatchItem[],
  /** How long each tile of the last segmentation took in the worker, in milliseconds. */
  lastTileMs: [] as number[],
  trained: null as ModelSource | null,
  trainedCount: 0,
  losses: [] as number[],
  pairImage: null as DecodedImage | null,
  pairMask: null as DecodedImage | null,
};

/** One operation at a time (backend switch, model load, segmentation, training), in order. */
let queue: Promise<unknown> = Promise.resolve();
export function exclusive<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => undefined);
  return run;
}

/** The status line; `status` also goes to body[data-status], which the browser test waits on. */
export function setStatus(text: string, status?: string): void {
  ui.status.textContent = text;
  if (status !== undefined) document.body.dataset.status = status;
}

export function reportError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error(error);
  setStatus(`Error: ${message}`, 'error');
}
