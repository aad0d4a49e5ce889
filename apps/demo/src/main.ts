import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
// Also registers tfjs-core's gradients, which the training panel needs.
import { classChannel, objectInstances } from '@unet/core';
import { type UNet, modelMetadata } from '@unet/model';
import { type BackendChoice, type BackendName, isBackendName, selectBackend } from './backends/select_backend.js';
import { decodeImageFile } from '@unet/data';
import { type DecodedImage, toChannels } from '@unet/data';
import { type ManifestEntry, type ModelSource, buildModel, loadModelFiles, loadShippedModel, readManifest, sourceFromModel } from './model/model_source.js';
import { type Segmentation, segmentTiles } from './segment/segment_tiles.js';
import { type TrainingPair, trainInBrowser } from './train/train_in_browser.js';
import { trainingPair } from './train/training_pair.js';
import { drawLossChart } from './view/loss_chart.js';
import { drawImage, drawOverlay, drawProbability, eightBitMaskValues, maskPng, objectColour } from './view/render.js';

const element = <T extends HTMLElement>(id: string) => {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`main: index.html has no #${id}`);
  return found as T;
};

const ui = {
  backendSelect: element<HTMLSelectElement>('backend-select'),
  backendName: element('backend-name'),
  backendSkipped: element('backend-skipped'),
  modelSelect: element<HTMLSelectElement>('model-select'),
  modelFiles: element<HTMLInputElement>('model-files'),
  modelInfo: element('model-info'),
  samples: element('samples'),
  imageFile: element<HTMLInputElement>('image-file'),
  progress: element<HTMLProgressElement>('progress'),
  status: element('status'),
  opacity: element<HTMLInputElement>('opacity'),
  overlayMode: element<HTMLSelectElement>('overlay-mode'),
  overlayCaption: element('overlay-caption'),
  downloadMask: element<HTMLButtonElement>('download-mask'),
  imageCanvas: element<HTMLCanvasElement>('image-canvas'),
  probabilityCanvas: element<HTMLCanvasElement>('probability-canvas'),
  probabilityCaption: element('probability-caption'),
  overlayCanvas: element<HTMLCanvasElement>('overlay-canvas'),
  trainKind: element<HTMLSelectElement>('train-kind'),
  trainSteps: element<HTMLInputElement>('train-steps'),
  trainTile: element<HTMLInputElement>('train-tile'),
  trainBatch: element<HTMLInputElement>('train-batch'),
  trainRate: element<HTMLInputElement>('train-rate'),
  pairRow: element('pair-row'),
  pairImage: element<HTMLInputElement>('pair-image'),
  pairMask: element<HTMLInputElement>('pair-mask'),
  pairInfo: element('pair-info'),
  trainStart: element<HTMLButtonElement>('train-start'),
  trainStop: element<HTMLButtonElement>('train-stop'),
  trainUse: element<HTMLButtonElement>('train-use'),
  trainStatus: element('train-status'),
  lossCanvas: element<HTMLCanvasElement>('loss-canvas'),
  trainImage: element<HTMLCanvasElement>('train-image'),
  trainTruth: element<HTMLCanvasElement>('train-truth'),
  trainPrediction: element<HTMLCanvasElement>('train-prediction'),
};

interface LoadedImage {
  name: string;
  image: DecodedImage;
}

interface SegmentedImage extends Segmentation {
  name: string;
  elapsedMs: number;
  backend: string;
  /** Object ids of class 1 // [height, width], worked out when the objects are first shown. */
  objects?: Int32Array;
  objectCount?: number;
}

const state = {
  backend: null as BackendChoice | null,
  /** The model sources by the model menu's option values. */
  sources: new Map<string, ModelSource>(),
  source: null as ModelSource | null,
  model: null as UNet | null,
  image: null as LoadedImage | null,
  result: null as SegmentedImage | null,
  trained: null as ModelSource | null,
  trainedCount: 0,
  losses: [] as number[],
  stopTraining: false,
  pairImage: null as DecodedImage | null,
  pairMask: null as DecodedImage | null,
};

/** The models of public/models/manifest.json by their menu values. */
const shippedModels = new Map<string, ManifestEntry>();

/** One operation at a time (backend switch, model load, segmentation, training), in order. */
let queue: Promise<unknown> = Promise.resolve();
function exclusive<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => undefined);
  return run;
}

function setStatus(text: string, status?: string): void {
  ui.status.textContent = text;
  if (status !== undefined) document.body.dataset.status = status;
}

function reportError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error(error);
  setStatus(`Error: ${message}`, 'error');
}

function describeModel(model: UNet): string {
  const { config } = model;
  const { classNames, threshold } = modelMetadata(model);
  const decision = threshold === undefined ? '' : `; class 1 at probability >= ${threshold}`;
  return `${config.baseChannels}-channel base, depth ${config.depth}, ${config.padding} padding, ${(model.parameterCount / 1e6).toFixed(1)}M parameters; classes: ${classNames.join(', ')}${decision}`;
}

/** Builds the current source's network on the current backend, freeing the previous one. */
function rebuildModel(): void {
  state.model?.dispose();
  state.model = null;
  if (state.source === null) {
    ui.modelInfo.textContent = 'No model yet: load a model folder (from `unet train`) or train one below.';
    return;
  }
  state.model = buildModel(state.source);
  ui.modelInfo.textContent = describeModel(state.model);
  // A model measured on objects (it saved how it cuts them out, as models/dic-hela did) shows them.
  ui.overlayMode.value = modelMetadata(state.model).instanceMethod === undefined ? 'classes' : 'objects';
}

/** The objects of class 1, as `unet predict --instances` cuts them out with the same model. */
function objectsOf(result: SegmentedImage): Int32Array {
  if (result.objects === undefined) {
    const method = (state.model && modelMetadata(state.model).instanceMethod) ?? 'seeded';
    const probability = classChannel(result.probabilities, result.height * result.width, result.classes, 1);
    result.objects = objectInstances(probability, result.height, result.width, method);
    result.objectCount = result.objects.reduce((largest, id) => Math.max(largest, id), 0);
  }
  return result.objects;
}

/** `announceReady`: false while the page is still starting, so that 'ready' means all of it is. */
async function switchBackend(requested: BackendName | 'auto', announceReady = true): Promise<void> {
  setStatus(`Starting the ${requested} backend…`, 'busy');
  // The weights live in the old backend's memory: free them, then rebuild on the new one.
  state.model?.dispose();
  state.model = null;
  state.backend = await selectBackend(requested);
  ui.backendName.textContent = state.backend.name;
  ui.backendSkipped.textContent = state.backend.skipped.map((entry) => `${entry.name} skipped: ${entry.reason}`).join('; ');
  rebuildModel();
  if (announceReady) setStatus(`Ready on ${state.backend.name}.`, 'ready');
}

function addModelOption(value: string, label: string, source?: ModelSource): void {
  const option = document.createElement('option');
  option.value = value;
  option.textContent = label;
  ui.modelSelect.append(option);
  if (source !== undefined) state.sources.set(value, source);
}

async function useModel(value: string, source: ModelSource, announceReady = true): Promise<void> {
  state.sources.set(value, source);
  ui.modelSelect.value = value;
  state.source = source;
  rebuildModel();
  if (state.image !== null) await segment();
  else if (announceReady) setStatus(`Model ready: ${source.description}.`, 'ready');
}

async function showImage(loaded: LoadedImage): Promise<void> {
  state.image = loaded;
  state.result = null;
  ui.downloadMask.disabled = true;
  const { image } = loaded;
  drawImage(ui.imageCanvas, image.data, image.height, image.width, image.channels);
  for (const canvas of [ui.probabilityCanvas, ui.overlayCanvas]) canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
  await segment();
}

async function openImage(file: Blob, name: string): Promise<void> {
  setStatus(`Reading ${name}…`, 'busy');
  const image = await decodeImageFile(file, name);
  await showImage({ name, image });
}

function drawResult(): void {
  const { result, image } = state;
  if (result === null || image === null) return;
  // The probability of the first class that is not background (class 1; class 0 for a 1-class head).
  const shownClass = result.classes > 1 ? 1 : 0;
  const metadata = state.model === null ? undefined : modelMetadata(state.model);
  const classNames = metadata?.classNames;
  ui.probabilityCaption.textContent = `Probability of ${classNames?.[shownClass] ?? `class ${shownClass}`}`;
  drawProbability(ui.probabilityCanvas, result.probabilities, result.height, result.width, result.classes, shownClass);
  const channels = image.image.channels;
  const opacity = Number(ui.opacity.value);
  // Objects need a class 1 to cut out: a 1-class head shows its classes.
  if (ui.overlayMode.value === 'objects' && result.classes > 1) {
    const objects = objectsOf(result);
    drawOverlay(ui.overlayCanvas, image.image.data, objects, result.height, result.width, channels, opacity, objectColour);
    ui.overlayCaption.textContent = `${result.objectCount} objects (${classNames?.[1] ?? 'class 1'}) over the image`;
  } else {
    const colours = metadata?.classColours ?? [];
    drawOverlay(ui.overlayCanvas, image.image.data, result.labels, result.height, result.width, channels, opacity, (label) => colours[label] ?? objectColour(label));
    ui.overlayCaption.textContent = 'Mask over the image';
  }
}

/** Segments the current image with the current model; the page repaints between tiles. */
async function segment(): Promise<SegmentedImage | null> {
  const { model, image } = state;
  if (image === null) return null;
  if (model === null) {
    setStatus(`${image.name}: no model to segment it with; load a model folder or train one below.`, 'ready');
    return null;
  }
  const backend = tf.getBackend();
  setStatus(`Segmenting ${image.name} on ${backend}…`, 'busy');
  ui.progress.value = 0;
  const started = performance.now();
  const input = {
    data: toChannels(image.image, model.config.inputChannels),
    height: image.image.height,
    width: image.image.width,
    channels: model.config.inputChannels,
  };
  const segmentation = await segmentTiles(model, input, {
    // The tile `unet predict` would use, so that the page's mask is the command's.
    outputTileSize: modelMetadata(model).inferenceTile,
    threshold: modelMetadata(model).threshold,
    onProgress: (done, total) => {
      ui.progress.value = done / total;
    },
    yieldBetweenTiles: () => tf.nextFrame(),
  });
  const elapsedMs = performance.now() - started;
  state.result = { ...segmentation, name: image.name, elapsedMs, backend };
  drawResult();
  ui.downloadMask.disabled = false;
  setStatus(
    `${image.name}: ${segmentation.width} x ${segmentation.height} pixels in ${(elapsedMs / 1000).toFixed(2)} s on ${backend} (${segmentation.tiles} tile${segmentation.tiles === 1 ? '' : 's'}).`,
    'segmented',
  );
  return state.result;
}

async function downloadMask(): Promise<void> {
  const { result, model } = state;
  if (result === null) return;
  if (model === null) return;
  const blob = await maskPng(result.labels, result.height, result.width, eightBitMaskValues(modelMetadata(model).labelValues));
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `${result.name.replace(/\.[^.]+$/, '')}-mask.png`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

async function loadSamples(): Promise<void> {
  const response = await fetch(new URL('samples/samples.json', document.baseURI));
  if (!response.ok) return;
  const samples = (await response.json()) as { file: string; label: string }[];
  for (const sample of samples) {
    const button = document.createElement('button');
    button.textContent = sample.file;
    button.title = sample.label;
    button.dataset.sample = sample.file;
    button.addEventListener('click', () => void exclusive(() => openSample(sample.file)).catch(reportError));
    ui.samples.append(button);
  }
}

async function openSample(file: string): Promise<void> {
  const response = await fetch(new URL(`samples/${file}`, document.baseURI));
  if (!response.ok) throw new Error(`main: samples/${file} answered ${response.status}; rebuild the app`);
  await openImage(await response.blob(), file);
}

// ---- training panel ----

async function train(): Promise<void> {
  const kind = ui.trainKind.value;
  let pair: TrainingPair | undefined;
  if (kind === 'pair') {
    if (state.pairImage === null || state.pairMask === null) throw new Error('train: pick an image and its mask first');
    pair = trainingPair(state.pairImage, state.pairMask);
  }
  const steps = Number(ui.trainSteps.value);
  state.losses = [];
  state.stopTraining = false;
  ui.trainStart.disabled = true;
  ui.trainStop.disabled = false;
  ui.trainUse.disabled = true;
  document.body.dataset.training = 'running';
  const started = performance.now();
  try {
    const { model, losses } = await trainInBrowser(
      {
        kind: kind === 'cells' ? 'cells' : 'em',
        steps,
        tileSize: Number(ui.trainTile.value),
        batchSize: Number(ui.trainBatch.value),
        learningRate: Number(ui.trainRate.value),
        seed: 1,
        previewEvery: 5,
        pair,
      },
      {
        onStep: async (step, loss) => {
          state.losses.push(loss);
          drawLossChart(ui.lossCanvas, state.losses, steps);
          ui.trainStatus.textContent = `step ${step} of ${steps}: loss ${loss.toFixed(4)} (${((performance.now() - started) / 1000).toFixed(1)} s on ${tf.getBackend()})`;
          await tf.nextFrame();
        },
        onPreview: (preview) => {
          const labels = new Int32Array(preview.size * preview.size);
          for (let pixel = 0; pixel < labels.length; pixel++) {
            let best = 0;
            for (let c = 1; c < preview.classes; c++) if (preview.probabilities[pixel * preview.classes + c] > preview.probabilities[pixel * preview.classes + best]) best = c;
            labels[pixel] = best;
          }
          drawImage(ui.trainImage, preview.image, preview.size, preview.size, 1);
          drawOverlay(ui.trainTruth, preview.image, preview.truth, preview.size, preview.size, 1, 0.6);
          drawOverlay(ui.trainPrediction, preview.image, labels, preview.size, preview.size, 1, 0.6);
        },
        shouldStop: () => state.stopTraining,
      },
    );
    state.trainedCount++;
    state.trained = await sourceFromModel(model, `the model trained here (run ${state.trainedCount})`);
    model.dispose();
    ui.trainUse.disabled = false;
    ui.trainStatus.textContent = `Trained ${losses.length} steps in ${((performance.now() - started) / 1000).toFixed(1)} s on ${tf.getBackend()}: loss ${losses[0]?.toFixed(4)} → ${losses.at(-1)?.toFixed(4)}.`;
    document.body.dataset.training = 'done';
  } catch (error) {
    document.body.dataset.training = 'error';
    ui.trainStatus.textContent = `Error: ${error instanceof Error ? error.message : String(error)}`;
    throw error;
  } finally {
    ui.trainStart.disabled = false;
    ui.trainStop.disabled = true;
  }
}

async function useTrainedModel(): Promise<void> {
  if (state.trained === null) return;
  const value = `trained-${state.trainedCount}`;
  if (!state.sources.has(value)) addModelOption(value, `Trained here (run ${state.trainedCount})`);
  await useModel(value, state.trained);
}

// ---- wiring ----

function firstFile(list: FileList | null | undefined): File | undefined {
  return list?.[0] ?? undefined;
}

function wire(): void {
  ui.backendSelect.addEventListener('change', () => {
    const value = ui.backendSelect.value;
    void exclusive(async () => {
      await switchBackend(isBackendName(value) ? value : 'auto');
      await segment();
    }).catch(reportError);
  });
  ui.modelSelect.addEventListener('change', () => {
    const value = ui.modelSelect.value;
    void exclusive(async () => {
      const entry = shippedModels.get(value);
      const source = state.sources.get(value) ?? (entry === undefined ? undefined : await loadShippedModel(document.baseURI, entry));
      if (source !== undefined) await useModel(value, source);
    }).catch(reportError);
  });
  ui.modelFiles.addEventListener('change', () => {
    const files = Array.from(ui.modelFiles.files ?? []);
    ui.modelFiles.value = '';
    void exclusive(async () => {
      setStatus('Loading the model…', 'busy');
      const source = await loadModelFiles(files);
      const value = `files-${state.sources.size}`;
      addModelOption(value, `${source.description} (your files)`);
      await useModel(value, source);
    }).catch(reportError);
  });
  ui.imageFile.addEventListener('change', () => {
    const file = firstFile(ui.imageFile.files);
    ui.imageFile.value = '';
    if (file !== undefined) void exclusive(() => openImage(file, file.name)).catch(reportError);
  });
  document.addEventListener('dragover', (event) => {
    event.preventDefault();
    document.body.classList.add('dragging');
  });
  document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    document.body.classList.remove('dragging');
    const file = firstFile(event.dataTransfer?.files);
    if (file !== undefined) void exclusive(() => openImage(file, file.name)).catch(reportError);
  });
  document.addEventListener('paste', (event) => {
    const file = firstFile(event.clipboardData?.files);
    if (file !== undefined) void exclusive(() => openImage(file, file.name || 'pasted image')).catch(reportError);
  });
  ui.opacity.addEventListener('input', drawResult);
  ui.overlayMode.addEventListener('change', drawResult);
  ui.downloadMask.addEventListener('click', () => void downloadMask().catch(reportError));

  ui.trainKind.addEventListener('change', () => {
    ui.pairRow.hidden = ui.trainKind.value !== 'pair';
  });
  const readPairFile = (input: HTMLInputElement, assign: (image: DecodedImage) => void) => {
    input.addEventListener('change', () => {
      const file = firstFile(input.files);
      if (file === undefined) return;
      void decodeImageFile(file, file.name)
        .then((image) => {
          assign(image);
          ui.pairInfo.textContent = `image: ${state.pairImage ? `${state.pairImage.width} x ${state.pairImage.height}` : 'none'}, mask: ${state.pairMask ? `${state.pairMask.width} x ${state.pairMask.height}` : 'none'}`;
        })
        .catch(reportError);
    });
  };
  readPairFile(ui.pairImage, (image) => (state.pairImage = image));
  readPairFile(ui.pairMask, (image) => (state.pairMask = image));
  ui.trainStart.addEventListener('click', () => void exclusive(train).catch(reportError));
  ui.trainStop.addEventListener('click', () => {
    state.stopTraining = true;
  });
  ui.trainUse.addEventListener('click', () => void exclusive(useTrainedModel).catch(reportError));
}

/**
 * What the browser test reads and drives (and what a curious user can call from the console):
 * the page's state, not its pixels.
 */
const api = {
  backend: () => tf.getBackend(),
  memory: () => tf.memory(),
  /** Segments the current image again; resolves with its summary. */
  segment: () => exclusive(segment).then(summary),
  lastResult: () => summary(state.result),
  losses: () => [...state.losses],
};

function summary(result: SegmentedImage | null) {
  if (result === null) return null;
  return {
    name: result.name,
    height: result.height,
    width: result.width,
    classes: result.classes,
    tiles: result.tiles,
    backend: result.backend,
    elapsedMs: result.elapsedMs,
    labels: Array.from(result.labels),
    /** How many objects the overlay shows, once it has shown them. */
    objectCount: result.objectCount,
  };
}
(window as unknown as { unetDemo: typeof api }).unetDemo = api;

async function start(): Promise<void> {
  // tfjs would fetch its wasm files from a CDN; the app serves its own copies (vite.config.ts).
  setWasmPaths(new URL(`${__WASM_FOLDER__}/`, document.baseURI).href);
  // tfjs 4.22's threaded wasm build hands its workers the factory's source text, which a
  // minifying bundler breaks ("e is not defined" in every worker, and the backend never starts).
  // One thread with SIMD is what Node's tfjs-backend-wasm uses too.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  wire();
  const requested = new URLSearchParams(location.search).get('backend') ?? 'auto';
  ui.backendSelect.value = isBackendName(requested) ? requested : 'auto';
  await exclusive(async () => {
    await switchBackend(isBackendName(requested) ? requested : 'auto', false);
    const base = document.baseURI;
    const manifest = await readManifest(base);
    if (manifest.length === 0) addModelOption('', '(none shipped yet)');
    // The first shipped model loads now, the others when chosen.
    for (const entry of manifest) {
      shippedModels.set(`shipped-${entry.name}`, entry);
      addModelOption(`shipped-${entry.name}`, entry.label);
    }
    if (manifest.length > 0) {
      setStatus(`Loading ${manifest[0].label}…`, 'busy');
      await useModel(`shipped-${manifest[0].name}`, await loadShippedModel(base, manifest[0]), false);
    } else {
      rebuildModel();
    }
    await loadSamples();
    setStatus(state.model === null ? 'Ready: load a model folder or train one below, then pick an image.' : 'Ready: pick a sample or open an image.', 'ready');
  });
}

void start().catch(reportError);
