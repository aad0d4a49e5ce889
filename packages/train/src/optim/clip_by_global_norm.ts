import * as tf from '@tensorflow/tfjs-core';
import { sumTensors } from '@unet/core';
import { TrainingConfigError } from '../errors.js';

/** Gradients scaled to a global norm of at most `maxNorm`, and the norm they had. */
export interface ClippedGradients {
  gradients: tf.Tensor[];
  /** sqrt of the sum of the squares of every gradient's values, before clipping. */
  norm: tf.Scalar;
}

/**
 * Scales all gradients by maxNorm / max(norm, maxNorm), as tf.clip_by_global_norm does: the
 * direction of the step is kept and only its length is bounded, which is what rescues a run
 * whose loss spikes (per-tensor clipping would change the direction).
 */
export function clipByGlobalNorm(gradients: readonly tf.Tensor[], maxNorm: number): ClippedGradients {
  if (!(maxNorm > 0) || !Number.isFinite(maxNorm)) {
    throw new TrainingConfigError(`clipByGlobalNorm: maxNorm must be a finite number > 0, got ${maxNorm}`);
  }
  return tf.tidy(() => {
    const norm = globalNorm(gradients);
    const scale = tf.div(maxNorm, tf.maximum(norm, maxNorm));
    return { gradients: gradients.map((gradient) => tf.mul(gradient, scale)), norm };
  });
}

/** sqrt(sum over all tensors of the sum of their squared values) // scalar */
export function globalNorm(tensors: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => tf.sqrt(sumTensors(tensors.map((tensor) => tf.sum(tf.square(tensor))))) as tf.Scalar);
}
