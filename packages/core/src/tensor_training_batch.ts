import type * as tf from '@tensorflow/tfjs-core';
import type { TrainingBatch } from './training_batch.js';

/**
 * A training batch whose tiles already lie on the backend, as a GPU pipeline makes them (e.g.
 * @unet/backend-webgpu's createWebGPUBatchSource, which augments on the GPU): the same fields as
 * TrainingBatch, with tensors where it has typed arrays, so that the tiles never travel through
 * the CPU. The training loop owns the tensors it is given and disposes them after the step.
 */
export interface TensorTrainingBatch extends Omit<TrainingBatch, 'images' | 'masks' | 'weights'> {
  /** `[batch, inputHeight, inputWidth, channels]` float32 */
  images: tf.Tensor4D;
  /** `[batch, outputHeight, outputWidth]` int32 class ids; the ignore label kept as is. */
  masks: tf.Tensor3D;
  /** `[batch, outputHeight, outputWidth]` float32 per-pixel loss weights, absent when unweighted. */
  weights?: tf.Tensor3D;
}

/** Whether a batch holds tensors (a TensorTrainingBatch) rather than typed arrays. */
export function isTensorTrainingBatch(batch: TrainingBatch | TensorTrainingBatch): batch is TensorTrainingBatch {
  return !(batch.images instanceof Float32Array);
}
