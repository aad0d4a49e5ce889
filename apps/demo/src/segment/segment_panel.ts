import type * as tf from '@tensorflow/tfjs-core';
import { classChannel, objectInstances } from '@unet/core';
import { decodeImageFile, toChannels } from '@unet/data';
import { modelMetadata } from '@unet/model';
import { type LoadedImage, type SegmentedImage, exclusive, reportError, setStatus, state } from '../app/state.js';
import { ui } from '../app/ui.js';
import { download } from '../view/download.js';
import { drawImage, drawOverlay, drawProbability, eightBitMaskValues, maskPng, objectColour } from '../view/render.js';
import { SegmentClient, SegmentationCancelledError } from './segment_client.js';
import type { Segmentation } from './segment_tiles.js';

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

async function showImage(loaded: LoadedImage): Promise<void> {
  state.image = loaded;
  state.result = null;
  ui.downloadMask.disabled = true;
  const { image } = loaded;
  drawImage(ui.imageCanvas, image.data, image.height, image.width, image.channels);
  for (const canvas of [ui.probabilityCanvas, ui.overlayCanvas]) canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
  await segment();
}

export async function openImage(file: Blob, name: string): Promise<void> {
  setStatus(`Reading ${name}…`, 'busy');
  const image = await decodeImageFile(file, name);
  await showImage({ name, image });
}

export function drawResult(): void {
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
    drawOverlay(
      ui.overlayCanvas,
      image.image.data,
      result.labels,
      result.height,
      result.width,
      channels,
      opacity,
      (label) => colours[label] ?? objectColour(label),
    );
    ui.overlayCaption.textContent = 'Mask over the image';
  }
}

/** The segmentation worker (segment_worker.ts), shared by every segmentation of the page. */
const worker = new SegmentClient();

/** Ends the segmentation under way, midway through a tile if need be. */
export function cancelSegmentation(): void {
  worker.cancel();
}

/** tf.memory() of the worker, where the segmentations' tensors live. */
export function workerMemory(): Promise<tf.MemoryInfo> {
  return worker.memory();
}

/**
 * Segments the current image with the current model, in the worker: the page keeps drawing and
 * taking clicks (Cancel among them) while the tiles are computed. Resolves with null when there
 * is nothing to segment or the user cancelled.
 */
export async function segment(): Promise<SegmentedImage | null> {
  const { model, image, source } = state;
  if (image === null) return null;
  if (model === null || source === null) {
    setStatus(`${image.name}: no model to segment it with; load a model folder or train one below.`, 'ready');
    return null;
  }
  const requested = state.backend?.name ?? 'wasm';
  setStatus(`Segmenting ${image.name} on ${source.onnx === undefined ? requested : 'onnxruntime-web'}…`, 'busy');
  ui.progress.value = 0;
  ui.segmentCancel.disabled = false;
  const started = performance.now();
  const metadata = modelMetadata(model);
  const input = {
    data: toChannels(image.image, model.config.inputChannels),
    height: image.image.height,
    width: image.image.width,
    channels: model.config.inputChannels,
  };
  let segmentation: Segmentation;
  let backend: string;
  let kernels: string | undefined;
  let skipped = '';
  try {
    const done = await worker.segment(source, input, {
      backend: requested,
      wasmFolder: new URL(`${__WASM_FOLDER__}/`, document.baseURI).href,
      // The tile `unet predict` would use, so that the page's mask is the command's.
      outputTileSize: metadata.inferenceTile,
      threshold: metadata.threshold,
      onProgress: (tilesDone, tiles) => {
        ui.progress.value = tilesDone / tiles;
      },
    });
    segmentation = done.segmentation;
    // An .onnx model ran in ONNX Runtime: say on which provider, and why WebGPU was not it.
    backend = done.onnx?.description ?? done.backend.name;
    kernels = done.onnx === undefined ? done.backend.kernels : undefined;
    skipped = (done.onnx?.skipped ?? []).map((entry) => `; ${entry.name} skipped: ${entry.reason}`).join('');
    state.lastTileMs = done.tileMs;
  } catch (error) {
    if (!(error instanceof SegmentationCancelledError)) throw error;
    setStatus(`${image.name}: cancelled after ${((performance.now() - started) / 1000).toFixed(2)} s.`, 'cancelled');
    return null;
  } finally {
    ui.segmentCancel.disabled = true;
  }
  const elapsedMs = performance.now() - started;
  state.result = { ...segmentation, name: image.name, elapsedMs, backend, kernels };
  drawResult();
  ui.downloadMask.disabled = false;
  setStatus(
    `${image.name}: ${segmentation.width} x ${segmentation.height} pixels in ${(elapsedMs / 1000).toFixed(2)} s on ${backend}${kernels === undefined ? '' : ` with ${kernels}'s kernels`} (${segmentation.tiles} tile${segmentation.tiles === 1 ? '' : 's'}${skipped}).`,
    'segmented',
  );
  return state.result;
}

/** The file name of an image's mask: `cells.tif` -> `cells-mask.png`. */
export function maskFileName(imageName: string): string {
  return `${imageName.replace(/\.[^.]+$/, '')}-mask.png`;
}

/** The last result's mask as `unet predict` writes it: 8-bit gray, each class in the model's label value. */
export async function currentMaskPng(): Promise<Blob | null> {
  const { result, model } = state;
  if (result === null || model === null) return null;
  return maskPng(result.labels, result.height, result.width, eightBitMaskValues(modelMetadata(model).labelValues));
}

export async function downloadMask(): Promise<void> {
  const blob = await currentMaskPng();
  if (blob !== null && state.result !== null) download(blob, maskFileName(state.result.name));
}

async function openSample(file: string): Promise<void> {
  const response = await fetch(new URL(`samples/${file}`, document.baseURI));
  if (!response.ok) throw new Error(`segment_panel: samples/${file} answered ${response.status}; rebuild the app`);
  await openImage(await response.blob(), file);
}

/** The sample buttons, from public/samples/samples.json. */
export async function loadSamples(): Promise<void> {
  const response = await fetch(new URL('samples/samples.json', document.baseURI));
  if (!response.ok) return;
  const samples = (await response.json()) as { file: string; label: string }[];
  for (const sample of samples) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = sample.file;
    button.title = sample.label;
    button.dataset.sample = sample.file;
    button.addEventListener('click', () => void exclusive(() => openSample(sample.file)).catch(reportError));
    ui.samples.append(button);
  }
}
