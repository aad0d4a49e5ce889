import * as tf from '@tensorflow/tfjs-core';
import { type TrainingBatch, frugalVariableGrads } from '@unet/core';
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

/**
 * One optimisation step on a batch: forward in training mode with the step's dropout seed,
 * loss, gradients of every trainable variable, optional clipping by global norm, update. When
 * the loss or the gradient is NaN or infinite, nothing is applied (the caller stops the run).
 * Every tensor made here is disposed before it returns.
 */
export async function trainStep(parts: {
  model: UNet;
  optimizer: tf.Optimizer;
  loss: LossFunction;
  batch: TrainingBatch;
  /** Seed of this step's dropout masks. */
  seed: number;
  clipGlobalNorm?: number;
}): Promise<StepResult> {
  const { model, optimizer, loss, batch } = parts;
  const variables = model.trainableVariables;
  const { value, norm, gradients } = tf.tidy(() => {
    const images = tf.tensor4d(batch.images, [batch.batchSize, batch.inputHeight, batch.inputWidth, batch.channels]);
    const targetShape: [number, number, number] = [batch.batchSize, batch.outputHeight, batch.outputWidth];
    const labels = tf.tensor3d(batch.masks, targetShape, 'int32');
    const weights = batch.weights === undefined ? undefined : tf.tensor3d(batch.weights, targetShape, 'float32');
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
  try {
    const [lossValue] = await value.data();
    const [normValue] = await norm.data();
    const applied = Number.isFinite(lossValue) && Number.isFinite(normValue);
    if (applied) {
      // The same variable order at every step: tfjs's optimisers index their accumulators by position.
      optimizer.applyGradients(variables.map((variable, index) => ({ name: variable.name, tensor: gradients[index] })));
    }
    return { loss: lossValue, gradientNorm: normValue, applied };
  } finally {
    tf.dispose([value, norm, ...gradients]);
  }
}

/**
 * The dropout seed of a step: a function of the run's seed and the step alone, so that a
 * resumed run draws the masks the uninterrupted one drew. UNet.apply adds level + 1 (< 64) to it.
 */
export function stepSeed(seed: number, stepIndex: number): number {
  return seed * 1_000_003 + stepIndex * 64;
}
