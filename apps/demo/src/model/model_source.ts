import * as tf from '@tensorflow/tfjs-core';
import { fromModelArtifacts, toModelArtifacts, type UNet, type UNetConfig } from '@unet/model';
import { type ByteProgress, fetchWithProgress } from './fetch_with_progress.js';
import { cacheKey, readCachedModel, writeCachedModel } from './model_cache.js';

/** One entry of public/models/manifest.json: a model folder that the app ships. */
export interface ManifestEntry {
  /** The folder under models/, e.g. 'isbi2012-small'. */
  name: string;
  /** What the menu shows. */
  label: string;
  /** model.json relative to models/; default `<name>/model.json`. */
  path?: string;
}

/** A model file that the demo cannot use; the message says which and what to do. */
export class ModelSourceError extends Error {
  override readonly name = 'ModelSourceError';

  constructor(message: string) {
    super(message);
  }
}

/** The models the app ships: public/models/manifest.json, an array of ManifestEntry. */
export async function readManifest(baseUrl: string): Promise<ManifestEntry[]> {
  const url = new URL('models/manifest.json', baseUrl).href;
  const response = await fetch(url);
  if (!response.ok) return [];
  const entries: unknown = await response.json();
  if (!Array.isArray(entries) || entries.some((entry) => typeof entry?.name !== 'string')) {
    throw new ModelSourceError(`${url}: expected a JSON array of { "name", "label", "path" } entries; fix or empty ([]) the file`);
  }
  return entries as ManifestEntry[];
}

/**
 * A model's files, loaded once and kept: a backend switch rebuilds the network from them, so
 * that its weights live on the new backend and the old ones are freed.
 */
export interface ModelSource {
  /** Where it came from, for the page and for error messages. */
  description: string;
  artifacts: tf.io.ModelArtifacts;
  /** An .onnx file's model, which segments in ONNX Runtime (the artifacts give the page its metadata). */
  onnx?: OnnxModel;
}

/** What the segmentation worker needs to run an .onnx model in ONNX Runtime. */
export interface OnnxModel {
  /** exportUNetToOnnx's graph of the imported model: input `image`, output `probabilities`, any valid size. */
  graph: Uint8Array;
  config: UNetConfig;
}

async function loadArtifacts(handler: tf.io.IOHandler, description: string): Promise<ModelSource> {
  if (handler.load === undefined) throw new ModelSourceError(`${description}: cannot be loaded`);
  const artifacts = await handler.load();
  // Built once here so that a file that is not a U-Net fails now, with the model's own message.
  fromModelArtifacts(artifacts, description).dispose();
  return { description, artifacts };
}

/** Where a shipped model came from: the network (and how many bytes), or IndexedDB. */
export interface ShippedModelLoad {
  name: string;
  from: 'network' | 'cache';
  bytes: number;
}

/**
 * A model folder the app ships (see readManifest): from IndexedDB when the same model.json was
 * kept there on an earlier visit (model_cache.ts), else downloaded, its weights' bytes reported
 * to `onProgress` as they arrive, and kept. Offline (model.json unreachable), any kept copy.
 */
export async function loadShippedModel(
  baseUrl: string,
  entry: ManifestEntry,
  onProgress?: ByteProgress,
): Promise<ModelSource & { load: ShippedModelLoad }> {
  const url = new URL(`models/${entry.path ?? `${entry.name}/model.json`}`, baseUrl).href;
  let text: string | null = null;
  let unreachable = '';
  try {
    const response = await fetch(url);
    if (response.ok) text = await response.text();
    else unreachable = `answered ${response.status}`;
  } catch (error) {
    unreachable = `is unreachable (${error instanceof Error ? error.message : String(error)})`;
  }
  const key = text === null ? null : cacheKey(entry.name, text);
  const cached = await readCachedModel(entry.name, key);
  if (cached !== null) {
    const source = await loadArtifacts({ load: async () => cached }, entry.label);
    return { ...source, load: { name: entry.name, from: 'cache', bytes: 0 } };
  }
  if (text === null || key === null)
    throw new ModelSourceError(
      `${url} ${unreachable}, and no copy was kept from an earlier visit; check the connection or rebuild the app`,
    );
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(text) as tf.io.ModelJSON;
  } catch (error) {
    throw new ModelSourceError(`${url}: not JSON (${(error as Error).message}); the shipped model is damaged, rebuild the app`);
  }
  let bytes = 0;
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    // Weight paths are relative to model.json, as tf.io.http reads them.
    const buffers = await fetchWithProgress(
      manifest.flatMap((group) => group.paths.map((path) => new URL(path, url).href)),
      (done, total) => {
        bytes = done;
        onProgress?.(done, total);
      },
    );
    return [tf.io.getWeightSpecs(manifest), tf.io.concatenateArrayBuffers(buffers)];
  });
  const source = await loadArtifacts({ load: async () => artifacts }, entry.label);
  await writeCachedModel(entry.name, key, artifacts);
  return { ...source, load: { name: entry.name, from: 'network', bytes } };
}

/**
 * A user's model folder: model.json and its weight files, as picked in one multi-file dialog.
 * Not tf.io.browserFiles: it refuses a model.json without `modelTopology` (a Keras graph), and
 * a unet-ts model has none, its network being described by the config in its metadata.
 */
export async function loadModelFiles(files: File[]): Promise<ModelSource> {
  const json = files.filter((file) => file.name.endsWith('.json'));
  if (json.length !== 1) {
    throw new ModelSourceError(
      `Pick exactly one model.json with its weight files (.bin), got ${json.length} .json files among ${files.map((file) => file.name).join(', ') || 'none'}; ` +
        'a model saved by `unet train` is a folder with model.json and weights.bin',
    );
  }
  const name = json[0].name;
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(await json[0].text()) as tf.io.ModelJSON;
  } catch (error) {
    throw new ModelSourceError(`${name}: not JSON (${(error as Error).message}); pick the model.json that \`unet train\` wrote`);
  }
  if (!Array.isArray(modelJson.weightsManifest)) {
    throw new ModelSourceError(`${name}: has no weightsManifest; pick the model.json that \`unet train\` wrote`);
  }
  const byName = new Map(files.map((file) => [file.name, file]));
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const buffers: ArrayBuffer[] = [];
    for (const group of manifest) {
      for (const weightPath of group.paths) {
        const base = weightPath.split('/').pop() ?? weightPath;
        const file = byName.get(base);
        if (file === undefined) {
          throw new ModelSourceError(
            `${name} needs the weight file ${base}, which was not picked; pick model.json and ${group.paths.join(', ')} together`,
          );
        }
        buffers.push(await file.arrayBuffer());
      }
    }
    return [tf.io.getWeightSpecs(manifest), tf.io.concatenateArrayBuffers(buffers)];
  });
  return loadArtifacts({ load: async () => artifacts }, name);
}

/** The network of a source, on the current backend. */
export function buildModel(source: ModelSource): UNet {
  return fromModelArtifacts(source.artifacts, source.description);
}

/**
 * An .onnx file (ours, or a PyTorch U-Net's): read by @unet/onnx's import, as `unet import
 * --onnx` reads it, so that its config comes from metadata_props where our export wrote them and
 * from the graph otherwise, and a file that is not a U-Net fails with the command's message. It
 * runs as the graph that exportUNetToOnnx writes of it, as `unet predict --engine onnxruntime`
 * runs a .onnx file: a PyTorch graph may have fixed sizes and other input and output names.
 */
export async function loadOnnxFile(file: File): Promise<ModelSource> {
  // Loaded on first use: a page that never opens an .onnx file does not pay for the protobuf code.
  const { exportUNetToOnnx, unetFromOnnx } = await import('@unet/onnx');
  const model = unetFromOnnx(new Uint8Array(await file.arrayBuffer()), file.name);
  try {
    const artifacts = await toModelArtifacts(model, model.metadata);
    return { description: file.name, artifacts, onnx: { graph: exportUNetToOnnx(model), config: model.config } };
  } finally {
    model.dispose();
  }
}
