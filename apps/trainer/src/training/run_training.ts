import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { TensorTrainingBatch, TrainingBatch } from '@unet/core';
import { createBatchSource, type BatchSource, type Dataset } from '@unet/data';
import { createWorkerBatchSource, loadDataset } from '@unet/data/node';
import { createUNet, defaultLabelValues, presetConfig, saveUNet, type UNet } from '@unet/model';
import { fileSystem } from '@unet/model/node';
import { writeFileAtomically } from '@unet/core/node';
import { type CheckpointStore, fit, modelFromCheckpoint, type FitResult, type TrainingLog } from '@unet/train';
import { openRunFolder, readJsonlLog } from '@unet/train/node';
import { foregroundKindOf, measureImages } from '../evaluate/segmentation_measures.js';
import { labelsFromProbabilities } from '@unet/inference';
import { pickDecisionThreshold } from '../evaluate/decision_threshold.js';
import type { TrainOptions } from '../options/train_options.js';
import type { ProgressWriter } from '../progress/progress_line.js';
import { UsageError } from '../usage_error.js';
import { augmentsOnGpu } from './augmentation_device.js';
import { splitDataset } from './dataset_split.js';
import { writeRunPlots, type RunPlots } from './run_plots.js';
import { batchRecipe, lossFor, optimizerFor, scheduleFor, tileGeometry } from './training_setup.js';
import { resolveMonitor } from './monitor.js';
import { stepPacing } from './step_pacing.js';
import { flattenMeasures, validateModel } from './validate_model.js';

export interface TrainingOutcome {
  folder: string;
  modelFolder: string;
  plots: RunPlots;
  fit: FitResult;
  /** The saved model's measures on the validation images. */
  measures: Record<string, number>;
  steps: number;
  seconds: number;
}

export interface TrainingIo {
  print: (line: string) => void;
  progress: ProgressWriter;
  signal?: AbortSignal;
  /** The backend that runs, for the run's records. */
  backend: string;
  /** Called before each write into the run folder (config, log records, checkpoints, model); throws to stop a trainer that may not write there. */
  beforeWrite?: () => void;
}

/** Steps when neither --steps nor --epochs is given: a few minutes of the small preset on 2 CPU cores. */
export const defaultSteps = 200;

/**
 * The output tile for whole-image inference: at least the paper's 388 (unpadded) or 256
 * (padded). Small training tiles make for fast steps; at inference, each tile's context costs
 * as much as the tile, so larger tiles waste less.
 */
export function inferenceTileSize(trainingOutputSize: number, padding: 'valid' | 'same'): number {
  return Math.max(trainingOutputSize, padding === 'valid' ? 388 : 256);
}

function hasCheckpoints(folder: string): boolean {
  const checkpoints = path.join(folder, 'checkpoints');
  return existsSync(checkpoints) && readdirSync(checkpoints).some((name) => name.startsWith('step-'));
}

/**
 * `unet train`: opens the data, builds the network, trains it with checkpoints and a log in the
 * run folder, then saves the best model (by the `--monitor` validation measure) with everything
 * `unet predict` needs in its metadata, and draws the plots.
 */
export async function runTraining(options: TrainOptions, io: TrainingIo): Promise<TrainingOutcome> {
  const started = performance.now();
  const folder = path.resolve(options.out);
  if (!options.resume && hasCheckpoints(folder)) {
    throw new UsageError(`--out ${options.out} already holds a run: continue it with --resume, or give another --out`);
  }
  if (options.resume && !hasCheckpoints(folder)) {
    throw new UsageError(`--resume: ${options.out} has no checkpoints to continue from; start a run there without --resume`);
  }

  // Before the data is read: a run that cannot make its batches says so at once.
  const onGpu = augmentsOnGpu(options.augmentOn, io.backend);

  io.print(`data: opening ${options.format === 'synthetic' ? 'the synthetic EM images (no download)' : options.data}`);
  const split = await splitDataset(options);
  const { dataset } = split;
  const classNames = [...dataset.classNames];
  const config = presetConfig(options.preset, {
    inputChannels: dataset.channels,
    classes: classNames.length,
    seed: options.seed,
    classNames,
  });
  const geometry = tileGeometry(options.tile, config);
  const recipe = batchRecipe(options, geometry, classNames.length);
  const validation = await loadDataset(split.validation);
  io.print(
    `data: ${dataset.name}: ${split.trainingSize} training and ${split.validationSize} validation images, ` +
      `${dataset.channels} channel(s), classes ${classNames.join(', ')}`,
  );
  const validationHasInstances = validation.size > 0 && (await validation.get(0)).instances !== undefined;
  const monitor = resolveMonitor(options.monitor, { format: options.format, classNames, validationHasInstances });
  io.print(
    `validation: every ${options.valEvery} steps; the kept model is the one with the ${monitor.mode === 'min' ? 'lowest' : 'highest'} ${monitor.name}`,
  );

  let batches: BatchSource<TrainingBatch | TensorTrainingBatch>;
  if (onGpu) {
    // Loaded here, not at the top: it registers its kernels on import, and only webgpu runs need it.
    const { createWebGPUBatchSource } = await import('@unet/backend-webgpu');
    batches = createWebGPUBatchSource({ ...recipe, dataset: await loadDataset(split.training) });
  } else if (options.workers > 0) {
    batches = await createWorkerBatchSource({ ...split.training }, recipe, { workers: options.workers });
  } else {
    const trainingData: Dataset = await loadDataset(split.training);
    batches = createBatchSource({ ...recipe, dataset: trainingData });
  }
  io.print(
    onGpu
      ? 'batches: augmented on the GPU (--augment-on cpu makes them on the CPU instead)'
      : `batches: augmented on the CPU, ${options.workers > 0 ? `${options.workers} worker thread(s)` : 'on the training thread'}`,
  );
  const stepsPerEpoch = batches.stepsPerEpoch;
  const totalSteps = options.steps ?? (options.epochs !== undefined ? options.epochs * stepsPerEpoch : defaultSteps);

  const model: UNet = createUNet(config);
  const metadata = {
    classNames,
    ignoreLabel: dataset.ignoreLabel ?? null,
    labelMapping: dataset.labelMapping ?? { values: defaultLabelValues(options.format, classNames.length) },
    foreground: foregroundKindOf(classNames),
    normalisation: 'image values divided by the bit depth maximum (255 or 65535)',
    tile: geometry,
    inferenceTile: inferenceTileSize(geometry.outputSize, config.padding),
    trainedOn: { format: options.format, data: options.data ?? null, dataset: dataset.name },
  };
  model.metadata = { ...model.metadata, ...metadata };
  io.print(
    `model: ${options.preset} preset, ${model.parameterCount.toLocaleString('en-US')} parameters; ` +
      `tiles ${geometry.inputSize} -> ${geometry.outputSize} px, batch ${options.batch}, ${totalSteps} steps on ${io.backend}`,
  );

  const beforeWrite = io.beforeWrite ?? (() => undefined);
  beforeWrite();
  const run = await openRunFolder(folder, { keep: 3 });
  // Every write of fit goes through beforeWrite: a trainer whose lock was taken over stops before it writes again.
  const checkpoints: CheckpointStore = {
    save: (checkpoint, saveOptions) => {
      beforeWrite();
      return run.checkpoints.save(checkpoint, saveOptions);
    },
    load: (which) => run.checkpoints.load(which),
    list: () => run.checkpoints.list(),
  };
  const log: TrainingLog = {
    append: (record) => {
      beforeWrite();
      return run.log.append(record);
    },
    sync: () => run.log.sync?.() ?? Promise.resolve(),
  };
  if (split.folds !== undefined) {
    // The split beside the run, so that what fold i validated on can be read (and checked) later.
    beforeWrite();
    await writeFileAtomically(path.join(folder, 'folds.json'), `${JSON.stringify(split.folds, null, 2)}\n`);
    io.print(
      `fold ${split.folds.fold} of ${split.folds.count} (seed ${split.folds.seed}): validates on ${split.folds.validation.join(', ')}`,
    );
  }
  await run.writeConfig({
    trainOptions: options,
    model: config,
    tile: geometry,
    batches: { ...recipe, madeOn: onGpu ? 'gpu' : 'cpu' },
    metadata,
    backend: io.backend,
  });
  const outputTileSize = inferenceTileSize(geometry.outputSize, config.padding);
  let result: FitResult;
  try {
    result = await fit({
      model,
      batches,
      steps: totalSteps,
      loss: lossFor(options),
      optimizer: optimizerFor(options),
      schedule: scheduleFor(options, totalSteps, monitor.mode),
      clip: { globalNorm: 10 },
      validate: {
        every: options.valEvery,
        monitor: monitor.name,
        mode: monitor.mode,
        run: async ({ model: current }) => flattenMeasures((await validateModel(current, validation, { outputTileSize })).measures),
      },
      callbacks: {
        onStep: async (info) => {
          io.progress.update({
            step: info.step,
            totalSteps: info.totalSteps,
            loss: info.loss,
            learningRate: info.learningRate,
            imagesPerSecond: info.imagesPerSecond,
            secondsElapsed: (performance.now() - started) / 1000,
          });
          // The CPU backends train without returning to the event loop: yield after each step, so
          // that a queue worker renews its fold job's lock (else the job is taken for stalled).
          await new Promise<void>((resolve) => setImmediate(resolve));
        },
        onValidation: (info) =>
          io.progress.message(
            `validation at step ${info.step}: ` +
              Object.entries(info.measures)
                .filter(([name]) => !name.includes('/'))
                .map(([name, value]) => `${name} ${value.toFixed(4)}`)
                .join(', ') +
              (info.best ? ' (best so far)' : ''),
          ),
      },
      log,
      checkpoint: { every: options.checkpointEvery, store: checkpoints },
      resume: options.resume,
      seed: options.seed,
      signal: io.signal,
      ignoreLabel: dataset.ignoreLabel ?? 255,
      config: { trainOptions: options },
      ...stepPacing(io.backend, options.readbackEvery),
    });
  } finally {
    io.progress.done();
    batches.dispose();
    await run.close();
  }

  // The model that is kept: the best validation, else the last state.
  const checkpoint = (await run.checkpoints.load('best')) ?? (await run.checkpoints.load('latest'));
  if (checkpoint === undefined)
    throw new Error(`run_training.ts: ${folder} has no checkpoint after training; this is a bug, please report it`);
  const kept = modelFromCheckpoint(checkpoint, folder);
  const modelFolder = path.join(folder, 'model');
  try {
    const final = await validateModel(kept, validation, { outputTileSize, keepPredictions: 3, keepImages: true });
    const measures = flattenMeasures(final.measures);
    // The masks users get are cut at the threshold that served the monitored measure on these
    // images; the recorded validation is that of those masks.
    const threshold = pickDecisionThreshold(final.measures, monitor.name, metadata.foreground);
    // Measured again from the probabilities already made, not segmented again.
    const atThreshold =
      threshold === undefined
        ? final
        : {
            measures: measureImages(final.images, { classNames: validation.classNames, ignoreLabel: validation.ignoreLabel, threshold }),
            predictions: final.predictions.map(({ sample }, index) => {
              const { probabilities, height, width } = final.images[index];
              return {
                sample,
                predicted: labelsFromProbabilities(probabilities, height, width, probabilities.length / (height * width), { threshold }),
              };
            }),
          };
    if (threshold !== undefined)
      io.print(`decision threshold: ${threshold} (best ${monitor.name} on the ${validation.size} validation image(s))`);
    beforeWrite();
    await saveUNet(kept, fileSystem(modelFolder), {
      ...metadata,
      ...(threshold === undefined
        ? {}
        : { threshold, thresholdPicked: { measure: monitor.name, images: `${validation.size} validation image(s) of ${dataset.name}` } }),
      trainingStep: checkpoint.step,
      monitor: monitor.name,
      validation: atThreshold.measures,
      backend: io.backend,
    });
    beforeWrite();
    const plots = await writeRunPlots(folder, await readJsonlLog(path.join(folder, 'log.jsonl')), atThreshold.predictions);
    model.dispose();
    return { folder, modelFolder, plots, fit: result, measures, steps: checkpoint.step, seconds: (performance.now() - started) / 1000 };
  } finally {
    kept.dispose();
  }
}
