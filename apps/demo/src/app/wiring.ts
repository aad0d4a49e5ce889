import * as tf from '@tensorflow/tfjs-core';
import { isBackendName } from '../backends/select_backend.js';
import { addModelOption, loadShipped, switchBackend, useModel } from '../model/model_panel.js';
import { loadModelFiles, loadOnnxFile } from '../model/model_source.js';
import { downloadBatchZip, segmentBatch } from '../segment/batch_panel.js';
import { cancelSegmentation, downloadMask, drawResult, openImage, segment, workerMemory } from '../segment/segment_panel.js';
import { wireTrainPanel } from '../train/train_panel.js';
import { trainingPair } from '../train/training_pair.js';
import { type SegmentedImage, exclusive, reportError, setStatus, state } from './state.js';
import { ui } from './ui.js';

function firstFile(list: FileList | null | undefined): File | undefined {
  return list?.[0] ?? undefined;
}

/** An .onnx file becomes the current model (a menu entry of its own) and segments the current image. */
function openOnnxModel(file: File): void {
  void exclusive(async () => {
    setStatus(`Reading the ONNX model ${file.name}…`, 'busy');
    const source = await loadOnnxFile(file);
    const value = `onnx-${state.sources.size}`;
    addModelOption(value, `${file.name} (ONNX, onnxruntime-web)`);
    await useModel(value, source);
  }).catch(reportError);
}

const isOnnxFile = (file: File) => file.name.toLowerCase().endsWith('.onnx');

/** One file opens as before; several are segmented in turn (batch_panel.ts); an .onnx file is a model. */
function openFiles(list: FileList | null | undefined): void {
  const all = Array.from(list ?? []);
  const onnxFiles = all.filter(isOnnxFile);
  if (onnxFiles.length > 0) openOnnxModel(onnxFiles[0]);
  const files = all.filter((file) => !isOnnxFile(file));
  if (files.length === 1) void exclusive(() => openImage(files[0], files[0].name)).catch(reportError);
  else if (files.length > 1) void exclusive(() => segmentBatch(files)).catch(reportError);
}

/** The header (backend, model) and the segment panel's controls, then the training panel's. */
export function wire(): void {
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
      const entry = state.shippedModels.get(value);
      const source = state.sources.get(value) ?? (entry === undefined ? undefined : await loadShipped(entry));
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
  ui.onnxFile.addEventListener('change', () => {
    const file = firstFile(ui.onnxFile.files);
    ui.onnxFile.value = '';
    if (file !== undefined) openOnnxModel(file);
  });
  ui.imageFile.addEventListener('change', () => {
    const files = ui.imageFile.files;
    openFiles(files);
    ui.imageFile.value = '';
  });
  document.addEventListener('dragover', (event) => {
    event.preventDefault();
    document.body.classList.add('dragging');
  });
  document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    document.body.classList.remove('dragging');
    openFiles(event.dataTransfer?.files);
  });
  document.addEventListener('paste', (event) => {
    const file = firstFile(event.clipboardData?.files);
    if (file !== undefined) void exclusive(() => openImage(file, file.name || 'pasted image')).catch(reportError);
  });
  // Not through exclusive(): it must act while the segmentation holds the queue.
  ui.segmentCancel.addEventListener('click', cancelSegmentation);
  ui.opacity.addEventListener('input', drawResult);
  ui.overlayMode.addEventListener('change', drawResult);
  ui.downloadMask.addEventListener('click', () => void downloadMask().catch(reportError));
  ui.batchZip.addEventListener('click', () => void downloadBatchZip().catch(reportError));
  wireTrainPanel();
}

function summary(result: SegmentedImage | null) {
  if (result === null) return null;
  return {
    name: result.name,
    height: result.height,
    width: result.width,
    classes: result.classes,
    tiles: result.tiles,
    backend: result.backend,
    kernels: result.kernels,
    elapsedMs: result.elapsedMs,
    labels: Array.from(result.labels),
    /** How many objects the overlay shows, once it has shown them. */
    objectCount: result.objectCount,
  };
}

/**
 * What the browser test reads and drives (and what a curious user can call from the console):
 * the page's state, not its pixels.
 */
export const api = {
  backend: () => tf.getBackend(),
  /** tf.memory() of the page, where the training panel's tensors live. */
  memory: () => tf.memory(),
  /** tf.memory() of the segmentation worker. */
  workerMemory,
  /** How long each tile of the last segmentation took in the worker, in milliseconds. */
  lastTileMs: () => [...state.lastTileMs],
  /** Segments the current image again; resolves with its summary. */
  segment: () => exclusive(segment).then(summary),
  lastResult: () => summary(state.result),
  /** The last segmentation's class probabilities // [height, width, classes] */
  lastProbabilities: () => (state.result === null ? null : Array.from(state.result.probabilities)),
  losses: () => [...state.losses],
  /** The images segmented together: names, status and mask file names. */
  batch: () => state.batch.map(({ name, maskName, status }) => ({ name, maskName, status })),
  /** Each shipped model loaded: from the network (with its bytes) or from IndexedDB. */
  modelLoads: () => [...state.modelLoads],
  /** The training panel's picked image and mask as it would train on them: class ids and the mask value of each. */
  trainingPair: () => {
    if (state.pairImage === null || state.pairMask === null) return null;
    const pair = trainingPair(state.pairImage, state.pairMask);
    return { mask: Array.from(pair.mask), maskValues: pair.maskValues, classNames: pair.classNames };
  },
};
