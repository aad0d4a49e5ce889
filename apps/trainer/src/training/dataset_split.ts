import type { Dataset, LoadDatasetOptions } from '@unet/data';
import { loadDataset } from '@unet/data/node';
import { UsageError } from '../usage_error.js';
import type { TrainOptions } from '../options/train_options.js';
import { foldSplit, type FoldSplit } from './fold_split.js';

/**
 * The training and validation halves of a data set, each as plain loadDataset options (worker
 * threads open the training half again from them). The validation samples are the LAST ones in
 * the data set's order: for ISBI slices 00-19 train and 20-24 validate with `--val-split 5`; for
 * a Cell Tracking Challenge sequence the last frames, so that neighbouring frames, which look
 * alike, do not sit on both sides. VOC keeps its own `val` split; the synthetic data draws its
 * validation images from another seed.
 */
export interface DatasetSplit {
  training: LoadDatasetOptions;
  validation: LoadDatasetOptions;
  /** The full data set as first opened: class names, channels, label mapping. */
  dataset: Dataset;
  trainingSize: number;
  validationSize: number;
  /** With --folds: the folds, and which one validates. */
  folds?: FoldSplit;
}

/** Synthetic images per run: enough variety for the small preset, few enough to generate fast. */
const syntheticTrainingImages = 30;

export function validationCount(total: number, valSplit: number): number {
  const count = valSplit >= 1 ? Math.round(valSplit) : Math.round(total * valSplit);
  return Math.min(Math.max(count, 1), total - 1);
}

export function baseDatasetOptions(options: TrainOptions): LoadDatasetOptions {
  switch (options.format) {
    case 'synthetic':
      return { format: 'synthetic', kind: 'em', seed: options.seed, size: syntheticTrainingImages };
    case 'isbi':
      // The cells as instances give the paper's weight map its "touching cells" term.
      return { format: 'isbi', root: options.data!, instances: true };
    case 'ctc':
      return { format: 'ctc', root: options.data! };
    case 'voc':
      return { format: 'voc', root: options.data!, mode: options.vocMode, split: 'train' };
    case 'folder':
      return { format: 'folder', root: options.data!, instances: true };
  }
}

function framesOf(ids: readonly string[]): number[] {
  return ids.map((id) => {
    const match = /t(\d+)$/.exec(id);
    if (match === null) throw new Error(`dataset_split.ts: cannot read a frame number from the Cell Tracking Challenge id '${id}'`);
    return Number(match[1]);
  });
}

export async function splitDataset(options: TrainOptions): Promise<DatasetSplit> {
  const base = baseDatasetOptions(options);
  const dataset = await loadDataset(base);
  if (options.folds !== undefined) {
    const folds = foldSplit(dataset.ids, options.folds, options.fold ?? 0, options.seed);
    return {
      training: pickSamples(base, dataset, folds.training),
      validation: pickSamples(base, dataset, folds.validation),
      dataset,
      trainingSize: folds.training.length,
      validationSize: folds.validation.length,
      folds,
    };
  }
  if (options.format === 'voc') {
    const validation = await loadDataset({ ...base, split: 'val' } as LoadDatasetOptions);
    return {
      training: base,
      validation: { ...base, split: 'val' } as LoadDatasetOptions,
      dataset,
      trainingSize: dataset.size,
      validationSize: validation.size,
    };
  }
  if (options.format === 'synthetic') {
    const validationSize = validationCount(syntheticTrainingImages, options.valSplit);
    return {
      training: base,
      validation: { ...base, seed: options.seed + 1_000_003, size: validationSize } as LoadDatasetOptions,
      dataset,
      trainingSize: dataset.size,
      validationSize,
    };
  }
  if (dataset.size < 2) {
    throw new UsageError(`--data ${options.data}: ${dataset.name} has ${dataset.size} sample; training and validation need at least 2`);
  }
  const validationSize = validationCount(dataset.size, options.valSplit);
  const trainingIds = dataset.ids.slice(0, dataset.size - validationSize);
  const validationIds = dataset.ids.slice(dataset.size - validationSize);
  return {
    training: pickSamples(base, dataset, trainingIds),
    validation: pickSamples(base, dataset, validationIds),
    dataset,
    trainingSize: trainingIds.length,
    validationSize,
  };
}

/** The loadDataset options of some of the data set's samples, by id. */
function pickSamples(base: LoadDatasetOptions, dataset: Dataset, ids: readonly string[]): LoadDatasetOptions {
  const mapping = dataset.labelMapping === undefined ? {} : { labelValues: dataset.labelMapping.values };
  switch (base.format) {
    case 'isbi':
    case 'voc':
      return { ...base, ids: [...ids] };
    case 'ctc':
      return { ...base, frames: framesOf(ids) };
    case 'folder':
      return { ...base, ...mapping, ids: [...ids] };
    default:
      return base;
  }
}
