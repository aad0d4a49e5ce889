import type { UNet } from '@unet/model';
import * as tf from '@tensorflow/tfjs-core';
import { type BatchSource, type TensorTrainingBatch, type TrainingBatch, isTensorTrainingBatch } from '@unet/core';
import { CheckpointError, NonFiniteLossError, TrainingConfigError } from '../errors.js';
import { DEFAULT_IGNORE_LABEL, type LossFunction } from '../losses/loss_function.js';
import { learningRateOf, setLearningRate } from '../optim/optimizers.js';
import { type LearningRateSchedule, constantSchedule } from '../optim/schedules.js';
import { type FitProgress, type TrainingCheckpoint, captureCheckpoint, restoreCheckpoint } from './checkpoint.js';
import type { CheckpointInfo, CheckpointStore } from './checkpoint_store.js';
import { checkBatch } from './check_batch.js';
import type { LogRecord, StopReason, TrainingLog } from './training_log.js';
import { PendingLosses, type ReadStep } from './pending_losses.js';
import { launchTrainStep, stepSeed, warmUpTrainStep } from './train_step.js';
import { checkpointDue, validationDue } from './checkpoint_cadence.js';
import { initialProgress, judgeValidation } from './validation_monitor.js';

export interface ValidationOptions {
  /** Validate after every `every` steps (and after the last step). */
  every: number;
  /** Measures of the current model, e.g. { loss, meanIoU }. Run it in inference mode. */
  run: (context: { step: number; model: UNet }) => Promise<Record<string, number>>;
  /** The measure that decides the best model, plateaus and early stopping: the first measure by default. */
  monitor?: string;
  /** 'min' for a loss, 'max' for IoU or Dice; 'min' by default. */
  mode?: 'min' | 'max';
  /** Stop after this many validations without improvement (early stopping); never when absent. */
  patience?: number;
  /** A change smaller than this is no improvement: 0. */
  minDelta?: number;
}

/** What onStep receives after each step. */
export interface StepInfo {
  /** Steps completed (1 after the first). */
  step: number;
  totalSteps: number;
  /** 0-based epoch when epochs were given, else 0. */
  epoch: number;
  loss: number;
  learningRate: number;
  gradientNorm: number;
  /**
   * Over the steps of this step's readback (see FitOptions.readbackEvery): their images over the
   * wall time from the first one's batch fetch to their losses' arrival. With readbackEvery 1,
   * over this step alone (the batch fetch included).
   */
  imagesPerSecond: number;
  /** Seconds left at the recent pace (an exponential average over steps). */
  etaSeconds: number;
}

export interface ValidationInfo {
  step: number;
  measures: Record<string, number>;
  /** The monitored measure's value, and whether it is the best so far. */
  value: number;
  best: boolean;
  validationsWithoutImprovement: number;
}

export interface FitCallbacks {
  onStep?(info: StepInfo): void | Promise<void>;
  onValidation?(info: ValidationInfo): void | Promise<void>;
  onCheckpoint?(info: CheckpointInfo): void | Promise<void>;
}

export interface FitOptions {
  /** The network to train; its weights are updated in place. */
  model: UNet;
  /**
   * fit asks only for batches; see BatchSource for what the index must determine. Batches of
   * tensors (TensorTrainingBatch, made on the backend) are fit's to dispose: it does so once
   * their step is queued.
   */
  batches: Pick<BatchSource<TrainingBatch | TensorTrainingBatch>, 'batch'>;
  /** Total steps (the run's end, counted from step 0 even when resuming). */
  steps?: number;
  /** Or epochs x stepsPerEpoch steps. */
  epochs?: number;
  stepsPerEpoch?: number;
  loss: LossFunction;
  /** A fresh tfjs optimiser (createOptimizer makes one); when resuming, its state comes from the checkpoint. */
  optimizer: tf.Optimizer;
  /** The learning rate of each step; a constant at the optimiser's rate by default. */
  schedule?: LearningRateSchedule;
  /** Clip the gradients to this global norm. */
  clip?: { globalNorm: number };
  validate?: ValidationOptions;
  callbacks?: FitCallbacks;
  /** The JSONL log (jsonlLog in '@unet/train/node'). */
  log?: TrainingLog;
  /** Save every `every` steps (and at the end, and at each new best validation). */
  checkpoint?: { every: number; store: CheckpointStore };
  /**
   * true: continue from the store's latest checkpoint (or start afresh when it has none);
   * a checkpoint: continue from it. The model and optimiser must be fresh ones of the same kind.
   */
  resume?: boolean | TrainingCheckpoint;
  /** Seed of the dropout masks (a step's masks depend on (seed, step) alone): 0. */
  seed?: number;
  /** Aborting stops the run after the current step, with a checkpoint. */
  signal?: AbortSignal;
  /** Mask values to leave out of the batch check (the losses' ignore label): 255; null for none. */
  ignoreLabel?: number | null;
  /** The run's own settings (data, loss, tiles), saved in checkpoints and the log's start record. */
  config?: Record<string, unknown>;
  /**
   * Read the losses back every this many steps: 10. No step reads anything back from the
   * backend: its loss and gradient norm stay tensors until the readback, which reads the
   * pending steps' values in one asynchronous transfer, so that a GPU runs the steps queued
   * behind each other instead of draining its queue at every step. The step records, onStep,
   * the NaN check and the pace are then up to readbackEvery - 1 steps late (onStep of steps
   * 1 to 10 comes after step 10 has run); each validation, checkpoint and the end read the
   * pending steps first, so the log holds every step's exact loss, in order, before them, and
   * no checkpoint is written after a non-finite step. A NaN step's update is applied (it is
   * found out only at the readback): the weights in memory are then past the last good
   * state, and the checkpoint on disk is not. 1 reads after every step, as tfjs's CPU
   * backends lose nothing by (their reads cost nothing).
   */
  readbackEvery?: number;
  /**
   * Before the first step, one untimed forward and backward pass on its batch, discarded (no
   * update, batch norm's moving statistics put back, no random state drawn), so that a GPU
   * backend compiles the step's shaders before the clock of the step times starts. The
   * results of the run are the same with it and without it. false by default: the CPU
   * backends compile nothing; the trainer turns it on for webgpu.
   */
  warmUp?: boolean;
}

export interface FitResult {
  /** Steps completed in all (resumed ones included). */
  steps: number;
  stopReason: Exclude<StopReason, 'error'>;
  /** The loss of the last step taken in this call; NaN when none was. */
  lastLoss: number;
  best?: { step: number; value: number; measures: Record<string, number> };
  lastCheckpoint?: CheckpointInfo;
}

/**
 * Trains `model`: per step, fetch batch(step index), set the scheduled learning rate, forward,
 * loss, gradients, clip, update; validate, log and checkpoint as asked. A resumed run (resume)
 * restores weights, optimiser state, schedule and validation progress, and then gives the same
 * weights at every later step as the uninterrupted run, bit for bit on the same backend.
 *
 * No step waits for the backend: the losses are read back every `readbackEvery` steps, in one
 * asynchronous transfer (see FitOptions.readbackEvery for what that delays).
 *
 * A NaN or infinite loss throws NonFiniteLossError at the readback that finds it, before any
 * checkpoint after it, so the last checkpoint on disk is the last good state. (The weights in
 * memory have taken that step's update, and those of the steps after it up to the readback.)
 */
export async function fit(options: FitOptions): Promise<FitResult> {
  const { model, optimizer, batches, loss, validate, checkpoint, callbacks = {}, log } = options;
  const totalSteps = resolveTotalSteps(options);
  const schedule = options.schedule ?? constantSchedule(learningRateOf(optimizer));
  const seed = options.seed ?? 0;
  const ignoreLabel = options.ignoreLabel === undefined ? DEFAULT_IGNORE_LABEL : options.ignoreLabel;
  const readbackEvery = options.readbackEvery ?? 10;
  checkOptions(options);

  let progress: FitProgress = initialProgress();
  let step = 0;
  let resumedFrom: string | null = null;
  let lastCheckpoint: CheckpointInfo | undefined;
  const resumeFrom = await checkpointToResume(options);
  if (resumeFrom !== undefined) {
    const location = resumeFrom.location;
    await restoreCheckpoint(resumeFrom.checkpoint, { model, optimizer, schedule }, location);
    progress = structuredClone(resumeFrom.checkpoint.progress);
    step = resumeFrom.checkpoint.step;
    resumedFrom = location;
    lastCheckpoint = { step, location, best: false };
  }

  const write = async (record: LogRecord) => {
    if (log !== undefined) await log.append(record);
  };
  const now = () => new Date().toISOString();
  await write({
    type: 'start',
    time: now(),
    step,
    totalSteps,
    resumedFrom,
    config: { ...options.config, seed, schedule: schedule.description, clip: options.clip ?? null },
  });

  // Steps that ran, waiting for their losses; `confirmedStep` is the last step whose loss was
  // read back and logged, the step a stop record names.
  const pending = new PendingLosses<{ step: number; epoch: number; learningRate: number; batchSize: number; started: number }>();
  let confirmedStep = step;
  let lastLoss = Number.NaN;
  let secondsPerStep: number | undefined;
  const readPending = async () => {
    if (pending.size === 0) return;
    const read = await pending.readAll();
    await confirmSteps(read, performance.now());
  };
  const confirmSteps = async (
    read: ReadStep<{ step: number; epoch: number; learningRate: number; batchSize: number; started: number }>[],
    arrived: number,
  ) => {
    // The pace of a readback's steps: from the first one's start to the losses' arrival, shared.
    const seconds = (arrived - read[0].info.started) / 1000 / read.length;
    for (const { info, loss: lossValue, gradientNorm } of read) {
      if (!Number.isFinite(lossValue) || !Number.isFinite(gradientNorm)) {
        throw new NonFiniteLossError(
          info.step,
          lossValue,
          gradientNorm,
          lastCheckpoint && { step: lastCheckpoint.step, location: lastCheckpoint.location },
          true,
        );
      }
      confirmedStep = info.step;
      lastLoss = lossValue;
      secondsPerStep = secondsPerStep === undefined ? seconds : 0.9 * secondsPerStep + 0.1 * seconds;
      const imagesPerSecond = seconds > 0 ? info.batchSize / seconds : 0;
      await write({
        type: 'step',
        time: now(),
        step: info.step,
        epoch: info.epoch,
        loss: lossValue,
        learningRate: info.learningRate,
        gradientNorm,
        imagesPerSecond,
        seconds,
      });
      await callbacks.onStep?.({
        step: info.step,
        totalSteps,
        epoch: info.epoch,
        loss: lossValue,
        learningRate: info.learningRate,
        gradientNorm,
        imagesPerSecond,
        etaSeconds: secondsPerStep * (totalSteps - info.step),
      });
    }
  };

  const saveCheckpoint = async (best: boolean) => {
    if (checkpoint === undefined) return;
    // No checkpoint before the losses of the steps it holds are known to be finite.
    await readPending();
    const state = await captureCheckpoint({ step, model, optimizer, schedule, progress, config: options.config });
    const info = await checkpoint.store.save(state, { best });
    lastCheckpoint = info;
    await write({ type: 'checkpoint', time: now(), step, location: info.location, best });
    // The log is made durable with each checkpoint, so that it never lags behind the state on disk.
    await log?.sync?.();
    await callbacks.onCheckpoint?.(info);
  };

  const runValidation = async (): Promise<{ best: boolean; stop: boolean }> => {
    if (validate === undefined) return { best: false, stop: false };
    // The steps before it are logged before it (validation reads the model back anyway).
    await readPending();
    const measures = await validate.run({ step, model });
    const verdict = judgeValidation(progress, measures, step, validate);
    progress = verdict.progress;
    schedule.observe?.(verdict.value, step);
    await write({ type: 'validation', time: now(), step, measures, best: verdict.best });
    await callbacks.onValidation?.({
      step,
      measures,
      value: verdict.value,
      best: verdict.best,
      validationsWithoutImprovement: progress.validationsWithoutImprovement,
    });
    return verdict;
  };
  const cadence = { validateEvery: validate?.every, checkpointEvery: checkpoint?.every, totalSteps };

  let stopReason: FitResult['stopReason'] = 'completed';
  let warmedUp = false;
  try {
    while (step < totalSteps) {
      if (options.signal?.aborted) {
        stopReason = 'aborted';
        break;
      }
      const index = step;
      let started = performance.now();
      const batch = await batches.batch(index);
      try {
        checkBatch(batch, model, index + 1, ignoreLabel);
        const learningRate = schedule.rate(index);
        setLearningRate(optimizer, learningRate);
        const parts = { model, optimizer, loss, batch, seed: stepSeed(seed, index), clipGlobalNorm: options.clip?.globalNorm };
        if (options.warmUp === true && !warmedUp) {
          // Before the clock: the first step's shaders compile here, not inside its timed readback.
          await warmUpTrainStep(parts);
          warmedUp = true;
          started = performance.now();
        }
        pending.add(
          {
            step: index + 1,
            epoch: options.stepsPerEpoch === undefined ? 0 : Math.floor(index / options.stepsPerEpoch),
            learningRate,
            batchSize: batch.batchSize,
            started,
          },
          launchTrainStep(parts),
        );
      } finally {
        // The step's work is queued: the backend keeps the batch's buffers until it has run.
        if (isTensorTrainingBatch(batch)) tf.dispose([batch.images, batch.masks, batch.weights]);
      }
      step = index + 1;
      if (pending.size >= readbackEvery) await readPending();

      const { best, stop } = validationDue(step, cadence) ? await runValidation() : { best: false, stop: false };
      if (checkpointDue(step, cadence, best)) await saveCheckpoint(best);
      if (stop) {
        stopReason = 'early-stopping';
        break;
      }
    }
    await readPending();
    // The final state is always saved, so that a run can be extended or resumed after an abort.
    if (checkpoint !== undefined && lastCheckpoint?.step !== step) await saveCheckpoint(false);
    await write({ type: 'stop', time: now(), step, reason: stopReason });
    await log?.sync?.();
  } catch (caught) {
    let error = caught;
    try {
      // The steps that ran before the error are logged; a non-finite one among them came first.
      await readPending();
    } catch (earlier) {
      error = earlier;
    } finally {
      pending.dispose();
    }
    await write({ type: 'stop', time: now(), step: confirmedStep, reason: 'error', error: (error as Error).message });
    await log?.sync?.();
    throw error;
  }
  return {
    steps: step,
    stopReason,
    lastLoss,
    best:
      progress.bestStep === null || progress.bestValue === null
        ? undefined
        : { step: progress.bestStep, value: progress.bestValue, measures: progress.bestMeasures ?? {} },
    lastCheckpoint,
  };
}

function resolveTotalSteps(options: FitOptions): number {
  const { steps, epochs, stepsPerEpoch } = options;
  const total = steps ?? (epochs !== undefined && stepsPerEpoch !== undefined ? epochs * stepsPerEpoch : undefined);
  if (total === undefined || !Number.isInteger(total) || total < 0) {
    throw new TrainingConfigError(
      `fit: give steps, or epochs and stepsPerEpoch, as whole numbers (got steps ${steps}, epochs ${epochs}, stepsPerEpoch ${stepsPerEpoch})`,
    );
  }
  if (steps !== undefined && epochs !== undefined) {
    throw new TrainingConfigError('fit: give either steps or epochs and stepsPerEpoch, not both');
  }
  return total;
}

function checkOptions(options: FitOptions): void {
  const positive = (name: string, value: number | undefined) => {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new TrainingConfigError(`fit: ${name} must be a whole number of steps, at least 1, got ${value}`);
    }
  };
  positive('validate.every', options.validate?.every);
  positive('checkpoint.every', options.checkpoint?.every);
  positive('validate.patience', options.validate?.patience);
  positive('readbackEvery', options.readbackEvery);
  if (options.validate?.mode !== undefined && !['min', 'max'].includes(options.validate.mode)) {
    throw new TrainingConfigError(`fit: validate.mode must be 'min' or 'max', got ${JSON.stringify(options.validate.mode)}`);
  }
}

async function checkpointToResume(options: FitOptions): Promise<{ checkpoint: TrainingCheckpoint; location: string } | undefined> {
  const { resume, checkpoint } = options;
  if (resume === undefined || resume === false) return undefined;
  if (resume !== true) return { checkpoint: resume, location: `the checkpoint of step ${resume.step}` };
  if (checkpoint === undefined) {
    throw new CheckpointError('fit: resume: true needs checkpoint.store to resume from: pass checkpoint: { every, store }');
  }
  const latest = await checkpoint.store.load('latest');
  if (latest === undefined) return undefined;
  const info = (await checkpoint.store.list()).find((item) => item.step === latest.step);
  return { checkpoint: latest, location: info?.location ?? `the checkpoint of step ${latest.step}` };
}
