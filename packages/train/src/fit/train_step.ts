import * as tf from '@tensorflow/tfjs-core';
import { type TensorTrainingBatch, type TrainingBatch, frugalVariableGrads, isTensorTrainingBatch } from '@unet/core';
import type { UNet } from '@unet/model';
import type { LossFunction } from '../losses/loss_function.js';
import { clipByGlobalNorm, globalNorm } from '../optim/clip_by_global_norm.js';

/** What one step measured. */
export interface StepResult {
  loss: number;
  /** The gradients' global norm before clipping. */
  gradientNorm: number;
  /** Whether the gradients were applied: only when loss and norm are finite. */
  applied: boolean;
}

/** The parts of a step: the network, its optimiser and loss, the batch and the dropout seed. */
export interface StepParts {
  model: UNet;
  optimizer: tf.Optimizer;
  loss: LossFunction;
  /** Typed arrays (uploaded here), or tensors already on the backend, which the step reads and leaves to the caller. */
  batch: TrainingBatch | TensorTrainingBatch;
  /** Seed of this step's dropout masks. */
  seed: number;
  clipGlobalNorm?: number;
}

/** A step queued on the backend: its loss and gradient norm, still tensors (the caller disposes them). */
export interface LaunchedStep {
  loss: tf.Scalar;
  /** The gradients' global norm before clipping. */
  gradientNorm: tf.Scalar;
}

/**
 * One optimisation step on a batch: forward in training mode with the step's dropout seed,
 * loss, gradients of every trainable variable, optional clipping by global norm, update. When
 * the loss or the gradient is NaN or infinite, nothing is applied (the caller stops the run).
 * It waits for the loss (an asynchronous read) before the update; fit uses launchTrainStep,
 * which does not wait. Every tensor made here is disposed before it returns.
 */
export async function trainStep(parts: StepParts): Promise<StepResult> {
  const { value, norm, gradients } = stepGradients(parts);
  try {
    const [lossValue] = await value.data();
    const [normValue] = await norm.data();
    const applied = Number.isFinite(lossValue) && Number.isFinite(normValue);
    if (applied) applyStepGradients(parts, gradients);
    return { loss: lossValue, gradientNorm: normValue, applied };
  } finally {
    tf.dispose([value, norm, ...gradients]);
  }
}

/**
 * trainStep without waiting: the step is queued on the backend (on a GPU, it runs while the
 * caller goes on) and its gradients are applied whatever they hold, since looking at them
 * would mean waiting for them. The caller reads the loss later and stops the run on a non-finite
 * one; the weights in memory then hold that step's update (fit checkpoints only after reading).
 * The weights and optimiser state come out bit for bit as trainStep's for finite steps.
 */
export function launchTrainStep(parts: StepParts): LaunchedStep {
  const { value, norm, gradients } = stepGradients(parts);
  try {
    applyStepGradients(parts, gradients);
  } finally {
    tf.dispose(gradients);
  }
  return { loss: value, gradientNorm: norm };
}

/**
 * The forward and backward pass of a step, nothing applied and nothing kept: it makes a GPU
 * backend compile the step's shaders before the timed steps. Batch norm's moving statistics,
 * which a forward pass in training mode updates, are put back bit for bit, and the dropout
 * masks come from the seed (no random state is drawn), so the run's results do not change.
 * Waits for the loss, so that the work has run when it returns.
 */
export async function warmUpTrainStep(parts: StepParts): Promise<void> {
  const movingStatistics = parts.model.namedWeights().filter((weight) => !weight.trainable);
  const saved = movingStatistics.map(({ variable }) => tf.clone(variable));
  const { value, norm, gradients } = stepGradients(parts);
  try {
    await value.data();
  } finally {
    tf.dispose([value, norm, ...gradients]);
    for (const [index, { variable }] of movingStatistics.entries()) variable.assign(saved[index]);
    tf.dispose(saved);
  }
}

function stepGradients(parts: StepParts): { value: tf.Scalar; norm: tf.Scalar; gradients: tf.Tensor[] } {
  const { model, loss, batch } = parts;
  const variables = model.trainableVariables;
  return tf.tidy(() => {
    const { images, labels, weights } = batchTensors(batch);
    // tf.variableGrads' numbers, with memory let go as the backward pass goes (about half the peak).
    const { value, grads } = frugalVariableGrads(
      () => loss(model.apply(images, { training: true, seed: parts.seed }), { labels, weights }),
      variables,
    );
    const raw = variables.map((variable) => grads[variable.name]);
    if (parts.clipGlobalNorm === undefined) return { value, norm: globalNorm(raw), gradients: raw };
    const clipped = clipByGlobalNorm(raw, parts.clipGlobalNorm);
    return { value, norm: clipped.norm, gradients: clipped.gradients };
  });
}

/** The batch as tensors: uploaded from its typed arrays (inside the caller's tidy), or the batch's own. */
function batchTensors(batch: TrainingBatch | TensorTrainingBatch): { images: tf.Tensor4D; labels: tf.Tensor3D; weights?: tf.Tensor3D } {
  if (isTensorTrainingBatch(batch)) return { images: batch.images, labels: batch.masks, weights: batch.weights };
  const targetShape: [number, number, number] = [batch.batchSize, batch.outputHeight, batch.outputWidth];
  return {
    images: tf.tensor4d(batch.images, [batch.batchSize, batch.inputHeight, batch.inputWidth, batch.channels]),
    labels: tf.tensor3d(batch.masks, targetShape, 'int32'),
    weights: batch.weights === undefined ? undefined : tf.tensor3d(batch.weights, targetShape, 'float32'),
  };
}

function applyStepGradients(parts: StepParts, gradients: tf.Tensor[]): void {
  // The same variable order at every step: tfjs's optimisers index their accumulators by position.
  const variables = parts.model.trainableVariables;
  parts.optimizer.applyGradients(variables.map((variable, index) => ({ name: variable.name, tensor: gradients[index] })));
}

/**
 * The dropout seed of a step: a function of the run's seed and the step alone, so that a
 * resumed run draws the masks the uninterrupted one drew. UNet.apply adds level + 1 (< 64) to it.
 */
export function stepSeed(seed: number, stepIndex: number): number {
  return seed * 1_000_003 + stepIndex * 64;
}
