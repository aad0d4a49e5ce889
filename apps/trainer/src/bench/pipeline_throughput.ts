import * as tf from '@tensorflow/tfjs-core';
import { type TensorTrainingBatch, type TrainingBatch, isTensorTrainingBatch } from '@unet/core';
import { createBatchSource, type BatchSource } from '@unet/data';
import { createWorkerBatchSource, loadDataset } from '@unet/data/node';
import { presetConfig, type PresetName } from '@unet/model';
import { resolveTrainOptions, type TrainOptions } from '../options/train_options.js';
import { splitDataset } from '../training/dataset_split.js';
import { batchRecipe, tileGeometry } from '../training/training_setup.js';

/** One measurement of the batch pipeline alone: no model. */
export interface PipelineResult {
  framework: 'pipeline';
  preset: PresetName;
  data: string;
  /** Where the tiles are resampled: the CPU (@unet/data), or the GPU through webgpu (@unet/backend-webgpu). */
  madeOn: 'cpu' | 'gpu';
  /** On the GPU: its adapter as the driver names it (a software adapter's speed says nothing of a GPU's). */
  device?: string;
  /** Worker threads making the batches on the CPU; 0: on the calling thread (and always on the GPU). */
  workers: number;
  batch: number;
  inputSize: number;
  outputSize: number;
  augment: TrainOptions['augment'];
  weightMap: boolean;
  /** Batches timed, after `warmup` untimed ones. */
  batches: number;
  warmup: number;
  seconds: number;
  msPerBatch: number;
  imagesPerSecond: number;
}

export interface PipelineBenchOptions {
  presets: PresetName[];
  workers: number[];
  /** Batches timed per line. */
  batches: number;
  /**
   * Untimed batches first. Each sample's weight map is computed the first time the sample is
   * drawn and then cached with it (up to 64 samples), so the first epoch's batches are slower
   * than the later ones: warm up by an epoch's batches to time the steady pace.
   */
  warmup: number;
  /** `unet train`'s options for the data (--data, --format) and the tiles; the trainer's defaults otherwise. */
  train: Partial<Record<string, string>>;
  /** Make the tiles on the GPU (createWebGPUBatchSource) instead; the webgpu backend must be the current one. `workers` is then unused. */
  onGpu?: boolean;
  /** The GPU adapter, for the lines. */
  device?: string;
}

/**
 * Until the batch exists: on the GPU, until its work has run (a read of its masks waits for the
 * queue, which runs in order); on the CPU a batch is done when it is returned.
 */
async function settle(batch: TrainingBatch | TensorTrainingBatch): Promise<void> {
  if (!isTensorTrainingBatch(batch)) return;
  const { images, masks, weights } = batch;
  await masks.data();
  tf.dispose([images, masks, weights]);
}

/**
 * The batch pipeline's own speed, as `unet train` builds it (batchRecipe: the paper's
 * augmentation through one sampling map per tile, the weight map, the batching), for each
 * preset's tile geometry and each worker count: `batches` batches asked for one after another,
 * as fit asks, with nothing else running. A pipeline slower than the training step leaves the
 * step waiting for its batch. On the GPU each batch is awaited until its work has run (fit does
 * not wait, so this is the pipeline's pace, not its latency in a step).
 */
export async function benchPipeline(options: PipelineBenchOptions, onLine: (line: PipelineResult) => void): Promise<void> {
  for (const preset of options.presets) {
    const train = resolveTrainOptions({ ...options.train, preset });
    const split = await splitDataset(train);
    const config = presetConfig(preset, { inputChannels: split.dataset.channels, classes: split.dataset.classNames.length });
    const geometry = tileGeometry(train.tile, config);
    const recipe = batchRecipe(train, geometry, split.dataset.classNames.length);
    for (const workers of options.onGpu ? [0] : options.workers) {
      let source: BatchSource<TrainingBatch | TensorTrainingBatch>;
      if (options.onGpu) {
        const { createWebGPUBatchSource } = await import('@unet/backend-webgpu');
        source = createWebGPUBatchSource({ ...recipe, dataset: await loadDataset(split.training) });
      } else {
        source =
          workers > 0
            ? await createWorkerBatchSource({ ...split.training }, recipe, { workers })
            : createBatchSource({ ...recipe, dataset: await loadDataset(split.training) });
      }
      try {
        for (let index = 0; index < options.warmup; index++) await settle(await source.batch(index));
        const start = performance.now();
        for (let index = options.warmup; index < options.warmup + options.batches; index++) await settle(await source.batch(index));
        const seconds = (performance.now() - start) / 1000;
        onLine({
          framework: 'pipeline',
          preset,
          data: split.dataset.name,
          madeOn: options.onGpu ? 'gpu' : 'cpu',
          ...(options.onGpu && options.device !== undefined ? { device: options.device } : {}),
          workers,
          batch: recipe.batchSize,
          inputSize: geometry.inputSize,
          outputSize: geometry.outputSize,
          augment: train.augment,
          weightMap: recipe.weightMap !== false,
          batches: options.batches,
          warmup: options.warmup,
          seconds: Number(seconds.toFixed(3)),
          msPerBatch: Number(((1000 * seconds) / options.batches).toFixed(1)),
          imagesPerSecond: Number(((options.batches * recipe.batchSize) / seconds).toFixed(2)),
        });
      } finally {
        source.dispose();
      }
    }
  }
}
