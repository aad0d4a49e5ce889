/**
 * The segmentation worker: the page's model segments here, off the page's thread, so that the page
 * keeps drawing and taking clicks however long a tile takes (wasm and cpu compute a tile in one
 * go; webgl and webgpu draw on an OffscreenCanvas here). Cancelling ends the worker
 * (segment_client.ts): the only way to stop a tile midway.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { fromModelArtifacts, type UNet } from '@unet/model';
import { type BackendChoice, type BackendName, selectBackend } from '../backends/select_backend.js';
import type { OnnxModel } from '../model/model_source.js';
import { type OnnxRuntimeEngine, createOnnxRuntimeEngine } from './onnx_runtime_engine.js';
import type { FromSegmentWorker, OnnxEngineChoice, ToSegmentWorker } from './segment_protocol.js';
import { segmentTiles } from './segment_tiles.js';

const scope = self as unknown as {
  postMessage(message: FromSegmentWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToSegmentWorker>) => void) | null;
};

let wasmPathsSet = false;
let backend: { requested: BackendName; choice: BackendChoice } | null = null;
/** The model the worker holds: a tfjs U-Net on the current backend, or an .onnx model's ONNX Runtime session. */
type HeldModel =
  | { key: number; kind: 'tfjs'; network: UNet; artifacts: tf.io.ModelArtifacts }
  | { key: number; kind: 'onnx'; engine: OnnxRuntimeEngine };
let model: HeldModel | null = null;

async function release(held: HeldModel | null): Promise<void> {
  if (held?.kind === 'tfjs') held.network.dispose();
  if (held?.kind === 'onnx') await held.engine.network.release();
}

async function useBackend(requested: BackendName, wasmFolder: string): Promise<BackendChoice> {
  if (!wasmPathsSet) {
    setWasmPaths(wasmFolder);
    // As on the page (main.ts): the threaded wasm build does not survive the bundler.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasmPathsSet = true;
  }
  if (backend?.requested === requested) return backend.choice;
  // The weights live in the old backend's memory: free them, then rebuild on the new one.
  // (An ONNX Runtime session lives in its own memory and stays.)
  if (model?.kind === 'tfjs') model.network.dispose();
  const choice = await selectBackend(requested);
  backend = { requested, choice };
  if (model?.kind === 'tfjs') model = { ...model, network: fromModelArtifacts(model.artifacts, 'the page model') };
  return choice;
}

async function useModel(key: number, artifacts: tf.io.ModelArtifacts | undefined, onnx: OnnxModel | undefined): Promise<HeldModel> {
  if (model?.key === key) return model;
  if (artifacts === undefined && onnx === undefined)
    throw new Error(`segment_worker: model ${key} was not sent with its files; the page must send them the first time`);
  await release(model);
  // Held by none until the new one is built: a session that fails to start leaves no released one behind.
  model = null;
  model =
    onnx !== undefined
      ? { key, kind: 'onnx', engine: await createOnnxRuntimeEngine(onnx.graph, onnx.config) }
      : {
          key,
          kind: 'tfjs',
          network: fromModelArtifacts(artifacts as tf.io.ModelArtifacts, 'the page model'),
          artifacts: artifacts as tf.io.ModelArtifacts,
        };
  return model;
}

async function handle(message: ToSegmentWorker): Promise<void> {
  if (message.type === 'memory') {
    scope.postMessage({ type: 'memory', id: message.id, memory: tf.memory() });
    return;
  }
  const choice = await useBackend(message.backend, message.wasmFolder);
  const held = await useModel(message.modelKey, message.artifacts, message.onnx);
  const network = held.kind === 'tfjs' ? held.network : held.engine.network;
  const onnx: OnnxEngineChoice | undefined =
    held.kind === 'onnx' ? { description: held.engine.description, skipped: held.engine.skipped } : undefined;
  const tileMs: number[] = [];
  let tileStarted = performance.now();
  const segmentation = await segmentTiles(network, message.image, {
    outputTileSize: message.outputTileSize,
    threshold: message.threshold,
    onProgress: (tilesDone, tiles) => {
      const now = performance.now();
      tileMs.push(now - tileStarted);
      scope.postMessage({ type: 'progress', id: message.id, tilesDone, tiles, tileMs: now - tileStarted });
      tileStarted = now;
    },
  });
  // Handed over, not copied: the page owns the arrays from here on.
  scope.postMessage({ type: 'result', id: message.id, segmentation, backend: choice, onnx, tileMs }, [
    segmentation.probabilities.buffer,
    segmentation.labels.buffer,
  ]);
}

scope.onmessage = (event) => {
  handle(event.data).catch((error: unknown) => {
    scope.postMessage({ type: 'error', id: event.data.id, message: error instanceof Error ? error.message : String(error) });
  });
};
