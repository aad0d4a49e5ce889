import { createBatchSource, type BatchSource } from '@unet/data';
import { createWorkerBatchSource, loadDataset } from '@unet/data/node';
import { presetConfig, type PresetName } from '@unet/model';
import { resolveTrainOptions, type TrainOptions } from '../options/train_options.js';
import { splitDataset } from '../training/dataset_split.js';
import { batchRecipe, tileGeometry } from '../training/training_setup.js';

/** One measurement of the batch pipeline alone: no model, no backend. */
export interface PipelineResult {
  framework: 'pipeline';
  preset: PresetName;
  data: string;
  /** Worker threads making the batches; 0: on the calling thread. */
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
}

/**
 * The batch pipeline's own speed, as `unet train` builds it (batchRecipe: the paper's
 * augmentation through one sampling map per tile, the weight map, the batching), for each
 * preset's tile geometry and each worker count: `batches` batches asked for one after another,
 * as fit asks, with nothing else running. A pipeline slower than the training step leaves the
 * step waiting for its batch.
 */
export async function benchPipeline(options: PipelineBenchOptions, onLine: (line: PipelineResult) => void): Promise<void> {
  for (const preset of options.presets) {
    const train = resolveTrainOptions({ ...options.train, preset });
    const split = await splitDataset(train);
    const config = presetConfig(preset, { inputChannels: split.dataset.channels, classes: split.dataset.classNames.length });
    const geometry = tileGeometry(train.tile, config);
    const recipe = batchRecipe(train, geometry, split.dataset.classNames.length);
    for (const workers of options.workers) {
      const source: BatchSource =
        workers > 0
          ? await createWorkerBatchSource({ ...split.training }, recipe, { workers })
          : createBatchSource({ ...recipe, dataset: await loadDataset(split.training) });
      try {
        for (let index = 0; index < options.warmup; index++) await source.batch(index);
        const start = performance.now();
        for (let index = options.warmup; index < options.warmup + options.batches; index++) await source.batch(index);
        const seconds = (performance.now() - start) / 1000;
        onLine({
          framework: 'pipeline',
          preset,
          data: split.dataset.name,
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
