import * as tf from '@tensorflow/tfjs-core';
import { type UNet, type UNetConfig, createUNet } from '@unet/model';
import { CheckpointError } from '../errors.js';
import { type NamedArray, type OptimizerState, captureOptimizerState, restoreOptimizerState } from '../optim/optimizer_state.js';
import type { LearningRateSchedule, ScheduleState } from '../optim/schedules.js';

/** What fit has learnt about the monitored validation measure; saved so that a resumed run continues it. */
export interface FitProgress {
  /** The monitored measure's best value so far; null before the first validation. */
  bestValue: number | null;
  /** After which step the best value was measured. */
  bestStep: number | null;
  /** All measures of the best validation. */
  bestMeasures: Record<string, number> | null;
  /** Validations since the best one (early stopping counts these). */
  validationsWithoutImprovement: number;
  /** The measures of the last validation. */
  lastMeasures: Record<string, number> | null;
}

/**
 * A training run's whole state after `step` steps (nanoGPT's checkpoint: model, optimiser,
 * step and config together): restoring it into a fresh model and optimiser continues the run
 * bit for bit on the same backend.
 */
export interface TrainingCheckpoint {
  /** Steps completed. */
  step: number;
  model: {
    config: UNetConfig;
    metadata: Record<string, unknown>;
    /** Every weight, batch norm's moving statistics included, by its saved name. */
    weights: NamedArray[];
  };
  optimizer: OptimizerState;
  schedule: ScheduleState;
  progress: FitProgress;
  /** The run's own config (data, loss, ...), as the caller gave it to fit; JSON. */
  config: Record<string, unknown>;
}

/** Copies the state of a run out of its tensors. */
export async function captureCheckpoint(parts: {
  step: number;
  model: UNet;
  optimizer: tf.Optimizer;
  schedule: LearningRateSchedule;
  progress: FitProgress;
  config?: Record<string, unknown>;
}): Promise<TrainingCheckpoint> {
  const weights: NamedArray[] = [];
  for (const { name, variable } of parts.model.namedWeights()) {
    // data() may hand out the backend's own buffer (cpu): copy it.
    const data = ((await variable.data()) as Float32Array | Int32Array).slice();
    weights.push({ name, shape: [...variable.shape], dtype: variable.dtype as NamedArray['dtype'], data });
  }
  return {
    step: parts.step,
    model: {
      config: structuredClone(parts.model.config),
      metadata: structuredClone(parts.model.metadata),
      weights,
    },
    optimizer: await captureOptimizerState(parts.optimizer),
    schedule: parts.schedule.state(),
    progress: structuredClone(parts.progress),
    config: structuredClone(parts.config ?? {}),
  };
}

/**
 * Puts a checkpoint's state into a model built with the same config and a fresh optimiser of
 * the same kind. `source` (a path) goes into error messages.
 */
export async function restoreCheckpoint(
  checkpoint: TrainingCheckpoint,
  parts: { model: UNet; optimizer: tf.Optimizer; schedule: LearningRateSchedule },
  source = 'the checkpoint',
): Promise<void> {
  checkSameConfig(checkpoint.model.config, parts.model.config, source);
  setModelWeights(parts.model, checkpoint.model.weights, source);
  parts.model.metadata = structuredClone(checkpoint.model.metadata);
  await restoreOptimizerState(parts.optimizer, checkpoint.optimizer, source);
  parts.schedule.restore(checkpoint.schedule);
}

/** A new U-Net with the checkpoint's config and weights (to save with saveUNet, or to predict). */
export function modelFromCheckpoint(checkpoint: TrainingCheckpoint, source = 'the checkpoint'): UNet {
  const model = createUNet(checkpoint.model.config);
  try {
    setModelWeights(model, checkpoint.model.weights, source);
  } catch (error) {
    model.dispose();
    throw error;
  }
  model.metadata = structuredClone(checkpoint.model.metadata);
  return model;
}

function setModelWeights(model: UNet, weights: NamedArray[], source: string): void {
  const tensors: Record<string, tf.Tensor> = {};
  for (const { name, shape, dtype, data } of weights) tensors[name] = tf.tensor(data, shape, dtype);
  try {
    model.setWeights(tensors, source);
  } finally {
    for (const tensor of Object.values(tensors)) tensor.dispose();
  }
}

function checkSameConfig(saved: UNetConfig, current: UNetConfig, source: string): void {
  const keys = new Set([...Object.keys(saved), ...Object.keys(current)]) as Set<keyof UNetConfig>;
  for (const key of keys) {
    if (JSON.stringify(saved[key]) !== JSON.stringify(current[key])) {
      throw new CheckpointError(
        `${source} was saved from a U-Net with ${key} ${JSON.stringify(saved[key])}, but the model given has ` +
          `${JSON.stringify(current[key])}: build the model with the checkpoint's config (modelFromCheckpoint does)`,
      );
    }
  }
}
