import { type UNet, modelMetadata } from '@unet/model';
import { type BackendName, selectBackend } from '../backends/select_backend.js';
import { state, setStatus } from '../app/state.js';
import { ui } from '../app/ui.js';
import { segment } from '../segment/segment_panel.js';
import { type ManifestEntry, type ModelSource, buildModel, loadShippedModel } from './model_source.js';

function describeModel(model: UNet): string {
  const { config } = model;
  const { classNames, threshold } = modelMetadata(model);
  const decision = threshold === undefined ? '' : `; class 1 at probability >= ${threshold}`;
  return `${config.baseChannels}-channel base, depth ${config.depth}, ${config.padding} padding, ${(model.parameterCount / 1e6).toFixed(1)}M parameters; classes: ${classNames.join(', ')}${decision}`;
}

/** Builds the current source's network on the current backend, freeing the previous one. */
export function rebuildModel(): void {
  state.model?.dispose();
  state.model = null;
  if (state.source === null) {
    ui.modelInfo.textContent = 'No model yet: load a model folder (from `unet train`) or train one below.';
    return;
  }
  state.model = buildModel(state.source);
  ui.modelInfo.textContent = `${state.source.onnx === undefined ? '' : 'ONNX, segments in onnxruntime-web: '}${describeModel(state.model)}`;
  // A model measured on objects (it saved how it cuts them out, as models/dic-hela did) shows them.
  ui.overlayMode.value = modelMetadata(state.model).instanceMethod === undefined ? 'classes' : 'objects';
}

/** `announceReady`: false while the page is still starting, so that 'ready' means all of it is. */
export async function switchBackend(requested: BackendName | 'auto', announceReady = true): Promise<void> {
  setStatus(`Starting the ${requested} backend…`, 'busy');
  // The weights live in the old backend's memory: free them, then rebuild on the new one.
  state.model?.dispose();
  state.model = null;
  state.backend = await selectBackend(requested);
  ui.backendName.textContent =
    state.backend.kernels === undefined ? state.backend.name : `${state.backend.name} (${state.backend.kernels}'s kernels)`;
  ui.backendSkipped.textContent = state.backend.skipped.map((entry) => `${entry.name} skipped: ${entry.reason}`).join('; ');
  rebuildModel();
  if (announceReady) setStatus(`Ready on ${state.backend.name}.`, 'ready');
}

export function addModelOption(value: string, label: string, source?: ModelSource): void {
  const option = document.createElement('option');
  option.value = value;
  option.textContent = label;
  ui.modelSelect.append(option);
  if (source !== undefined) state.sources.set(value, source);
}

/** Makes `source` the current model (menu value `value`) and segments the current image with it. */
export async function useModel(value: string, source: ModelSource, announceReady = true): Promise<void> {
  state.sources.set(value, source);
  ui.modelSelect.value = value;
  state.source = source;
  rebuildModel();
  if (state.image !== null) await segment();
  else if (announceReady) setStatus(`Model ready: ${source.description}.`, 'ready');
}

/** A shipped model, its download shown in bytes on the status line and the bar; loads are kept in state.modelLoads. */
export async function loadShipped(entry: ManifestEntry): Promise<ModelSource> {
  setStatus(`Loading ${entry.label}…`, 'busy');
  ui.progress.value = 0;
  const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);
  const source = await loadShippedModel(document.baseURI, entry, (bytes, totalBytes) => {
    setStatus(`Downloading ${entry.label}: ${megabytes(bytes)}${totalBytes === null ? '' : ` of ${megabytes(totalBytes)}`} MB…`);
    if (totalBytes !== null && totalBytes > 0) ui.progress.value = bytes / totalBytes;
  });
  state.modelLoads.push(source.load);
  if (source.load.from === 'cache') setStatus(`${entry.label}: loaded from this browser's cache (IndexedDB).`);
  return source;
}
