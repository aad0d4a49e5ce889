import { readFileSync } from 'node:fs';
import { augmentOnChoices, type AugmentOn } from '../training/augmentation_device.js';
import { monitorChoices, type MonitorChoice } from '../training/monitor.js';
import { UsageError } from '../usage_error.js';

/**
 * Everything `unet train` can be told, as one typed object: the defaults below are what a fresh
 * checkout trains with (the synthetic data on the small preset, a few minutes on two CPU cores).
 * A `--config FILE.json` holds the same keys; flags override the file; unknown keys are errors.
 */
export interface TrainOptions {
  /** The data set's root folder; absent means the embedded synthetic data. */
  data?: string;
  format: 'synthetic' | 'isbi' | 'ctc' | 'voc' | 'folder';
  /** VOC only: all 21 classes, or object vs background. */
  vocMode: 'classes' | 'binary';
  preset: 'paper' | 'small';
  /** The run folder: config.json, log.jsonl, checkpoints/, model/, plots. */
  out: string;
  /** Optimiser steps; wins over epochs when both are given. */
  steps?: number;
  epochs?: number;
  batch: number;
  /** The output tile's side in pixels (the input tile is 184 px larger for the paper's unpadded net). */
  tile: number;
  learningRate: number;
  optimizer: 'adam' | 'sgd';
  /** SGD momentum; the paper used 0.99 with one large tile per step. */
  momentum: number;
  schedule: 'constant' | 'cosine' | 'step' | 'poly' | 'plateau';
  loss: 'weighted-ce' | 'ce' | 'dice' | 'ce+dice';
  augment: 'elastic' | 'rigid' | 'flips' | 'none';
  /** The paper's weight map: w0 and sigma in pixels. */
  w0: number;
  sigma: number;
  /** Fraction of the samples held out for validation (0 < f < 1), or a count when >= 1. */
  valSplit: number;
  valEvery: number;
  /** The validation measure that picks the kept model; `auto` takes the task's benchmark measure. */
  monitor: MonitorChoice;
  checkpointEvery: number;
  /** Worker threads making augmented batches; 0 makes them on the training thread. Unused when they are made on the GPU. */
  workers: number;
  /** Where the augmented tiles are made: `auto` is the GPU on the webgpu backend, the CPU elsewhere. */
  augmentOn: AugmentOn;
  seed: number;
  resume: boolean;
  backend?: string;
  /** Stop after this many minutes (with a checkpoint and the model saved), whatever --steps says. */
  timeLimit?: number;
  /** K-fold cross-validation (nnU-Net's 5): the samples dealt into K folds by the seed; replaces valSplit. */
  folds?: number;
  /** The one fold this run trains (it validates on fold `fold`, trains on the others); absent with `folds`: every fold, one run folder each. */
  fold?: number;
  /** Read the step losses back every N steps (fit's readbackEvery); absent: 10 on a GPU backend, 1 on the others (stepPacing). */
  readbackEvery?: number;
}

export const trainDefaults: TrainOptions = {
  format: 'synthetic',
  vocMode: 'classes',
  preset: 'small',
  out: 'runs/latest',
  batch: 4,
  tile: 128,
  learningRate: 1e-3,
  optimizer: 'adam',
  momentum: 0.99,
  schedule: 'cosine',
  loss: 'weighted-ce',
  augment: 'elastic',
  w0: 10,
  sigma: 5,
  valSplit: 0.2,
  valEvery: 50,
  monitor: 'auto',
  checkpointEvery: 50,
  workers: 1,
  augmentOn: 'auto',
  seed: 1,
  resume: false,
};

type Kind = 'string' | 'number' | 'integer' | 'boolean';

interface KeySpec {
  kind: Kind;
  choices?: readonly string[];
  min?: number;
}

const keys: Record<keyof TrainOptions, KeySpec> = {
  data: { kind: 'string' },
  format: { kind: 'string', choices: ['synthetic', 'isbi', 'ctc', 'voc', 'folder'] },
  vocMode: { kind: 'string', choices: ['classes', 'binary'] },
  preset: { kind: 'string', choices: ['paper', 'small'] },
  out: { kind: 'string' },
  steps: { kind: 'integer', min: 1 },
  epochs: { kind: 'integer', min: 1 },
  batch: { kind: 'integer', min: 1 },
  tile: { kind: 'integer', min: 4 },
  learningRate: { kind: 'number', min: 0 },
  optimizer: { kind: 'string', choices: ['adam', 'sgd'] },
  momentum: { kind: 'number', min: 0 },
  schedule: { kind: 'string', choices: ['constant', 'cosine', 'step', 'poly', 'plateau'] },
  loss: { kind: 'string', choices: ['weighted-ce', 'ce', 'dice', 'ce+dice'] },
  augment: { kind: 'string', choices: ['elastic', 'rigid', 'flips', 'none'] },
  w0: { kind: 'number', min: 0 },
  sigma: { kind: 'number', min: 0 },
  valSplit: { kind: 'number', min: 0 },
  valEvery: { kind: 'integer', min: 1 },
  monitor: { kind: 'string', choices: monitorChoices },
  checkpointEvery: { kind: 'integer', min: 1 },
  workers: { kind: 'integer', min: 0 },
  augmentOn: { kind: 'string', choices: augmentOnChoices },
  seed: { kind: 'integer', min: 0 },
  resume: { kind: 'boolean' },
  backend: { kind: 'string' },
  timeLimit: { kind: 'number', min: 0 },
  folds: { kind: 'integer', min: 2 },
  fold: { kind: 'integer', min: 0 },
  readbackEvery: { kind: 'integer', min: 1 },
};

/** What may change when a run is resumed (or a started fold continued): anything else would make it a different run. */
export const changeableOnResume: ReadonlySet<keyof TrainOptions> = new Set<keyof TrainOptions>([
  'steps',
  'epochs',
  'backend',
  'workers',
  // The GPU resamples the same draws as the CPU: the tiles agree within float32 rounding, as across backends.
  'augmentOn',
  'out',
  'resume',
  'valEvery',
  'checkpointEvery',
  'timeLimit',
  // When the losses are read does not change them or the weights.
  'readbackEvery',
]);

/** The command-line spelling of each key (`learningRate` is `--lr`). */
export const flagNames: Record<keyof TrainOptions, string> = {
  data: 'data',
  format: 'format',
  vocMode: 'voc-mode',
  preset: 'preset',
  out: 'out',
  steps: 'steps',
  epochs: 'epochs',
  batch: 'batch',
  tile: 'tile',
  learningRate: 'lr',
  optimizer: 'optimizer',
  momentum: 'momentum',
  schedule: 'schedule',
  loss: 'loss',
  augment: 'augment',
  w0: 'w0',
  sigma: 'sigma',
  valSplit: 'val-split',
  valEvery: 'val-every',
  monitor: 'monitor',
  checkpointEvery: 'checkpoint-every',
  workers: 'workers',
  augmentOn: 'augment-on',
  seed: 'seed',
  resume: 'resume',
  backend: 'backend',
  timeLimit: 'time-limit',
  folds: 'folds',
  fold: 'fold',
  readbackEvery: 'readback-every',
};

function checkValue(key: keyof TrainOptions, value: unknown, where: string): unknown {
  const spec = keys[key];
  let parsed = value;
  if (spec.kind === 'boolean') {
    if (typeof value === 'string' && (value === 'true' || value === 'false')) parsed = value === 'true';
    if (typeof parsed !== 'boolean') throw new UsageError(`${where}: expected true or false, got ${JSON.stringify(value)}`);
    return parsed;
  }
  if (spec.kind === 'number' || spec.kind === 'integer') {
    parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof parsed !== 'number' || !Number.isFinite(parsed))
      throw new UsageError(`${where}: expected a number, got ${JSON.stringify(value)}`);
    if (spec.kind === 'integer' && !Number.isInteger(parsed)) throw new UsageError(`${where}: expected a whole number, got ${parsed}`);
    if (spec.min !== undefined && parsed < spec.min) {
      const rule = spec.kind === 'integer' && spec.min === 1 ? 'must be a positive integer' : `must be at least ${spec.min}`;
      throw new UsageError(`${where}: ${rule}, got ${parsed}`);
    }
    return parsed;
  }
  if (typeof value !== 'string' || value === '') throw new UsageError(`${where}: expected text, got ${JSON.stringify(value)}`);
  if (spec.choices !== undefined && !spec.choices.includes(value)) {
    throw new UsageError(`${where}: must be one of ${spec.choices.join(', ')}, got '${value}'`);
  }
  return value;
}

/** Reads a `--config` file: a JSON object whose keys are those of TrainOptions. */
export function readTrainConfigFile(file: string): Partial<TrainOptions> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--config ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--config ${file}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`--config ${file}: expected a JSON object of options, e.g. {"preset": "small", "steps": 500}`);
  }
  const result: Partial<TrainOptions> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!(key in keys)) {
      throw new UsageError(`--config ${file}: unknown key '${key}'; the keys are ${Object.keys(keys).join(', ')}`);
    }
    (result as Record<string, unknown>)[key] = checkValue(key as keyof TrainOptions, value, `--config ${file}: ${key}`);
  }
  return result;
}

/**
 * Merges, lowest first: the defaults, a format's own defaults, the config file, the flags.
 * `flags` holds only what the user typed (strings from parseArgs).
 */
export function resolveTrainOptions(
  flags: Record<string, string | boolean | undefined>,
  fromFile: Partial<TrainOptions> = {},
): TrainOptions {
  const fromFlags: Partial<TrainOptions> = {};
  for (const key of Object.keys(keys) as (keyof TrainOptions)[]) {
    const raw = flags[flagNames[key]];
    if (raw === undefined) continue;
    (fromFlags as Record<string, unknown>)[key] = checkValue(key, raw, `--${flagNames[key]}`);
  }
  const merged: TrainOptions = { ...trainDefaults, ...fromFile, ...fromFlags };
  if (merged.data === undefined && merged.format !== 'synthetic') {
    throw new UsageError(
      `--format ${merged.format} needs --data DIR (the data set's root folder); without --data the trainer uses the synthetic data`,
    );
  }
  if (merged.data !== undefined && fromFlags.format === undefined && fromFile.format === undefined) {
    throw new UsageError(`--data ${merged.data}: say its layout with --format isbi|ctc|voc|folder`);
  }
  if (merged.fold !== undefined && merged.folds === undefined)
    throw new UsageError(`--fold ${merged.fold}: say how many folds with --folds K`);
  if (merged.fold !== undefined && merged.fold >= merged.folds!)
    throw new UsageError(`--fold ${merged.fold}: the folds are numbered 0 to ${merged.folds! - 1}`);
  if (merged.folds !== undefined && merged.format === 'synthetic') {
    throw new UsageError(
      `--folds ${merged.folds}: the synthetic data is drawn afresh, not a set of images to deal into folds; give --data DIR --format isbi|ctc|voc|folder`,
    );
  }
  if (merged.valSplit >= 1 && !Number.isInteger(merged.valSplit)) {
    throw new UsageError(`--val-split ${merged.valSplit}: give a fraction below 1 (e.g. 0.2) or a whole number of samples`);
  }
  return merged;
}
