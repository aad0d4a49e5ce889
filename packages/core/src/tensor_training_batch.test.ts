import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { type TensorTrainingBatch, isTensorTrainingBatch } from './tensor_training_batch.js';
import type { TrainingBatch } from './training_batch.js';

const geometry = { batchSize: 1, inputHeight: 2, inputWidth: 2, channels: 1, outputHeight: 2, outputWidth: 2 };

describe('isTensorTrainingBatch', () => {
  it('tells a batch of tensors from one of typed arrays', () => {
    const arrays: TrainingBatch = { ...geometry, images: new Float32Array(4), masks: new Int32Array(4) };
    const tensors: TensorTrainingBatch = { ...geometry, images: tf.zeros([1, 2, 2, 1]), masks: tf.zeros([1, 2, 2], 'int32') };
    expect(isTensorTrainingBatch(arrays)).toBe(false);
    expect(isTensorTrainingBatch(tensors)).toBe(true);
    tf.dispose([tensors.images, tensors.masks]);
  });
});
