import * as tf from '@tensorflow/tfjs-core';
import '@unet/core';
import { describeWithBackends, expectArraysClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { TrainingConfigError } from '../errors.js';
import { clipByGlobalNorm } from './clip_by_global_norm.js';

describeWithBackends('clipByGlobalNorm', () => {
  // [3, 4] and [[12]]: global norm sqrt(9 + 16 + 144) = 13.
  const gradients = () => [tf.tensor1d([3, 4]), tf.tensor2d([[12]])];

  it('scales every gradient by maxNorm / norm when the norm is larger: 6.5 / 13 = 1/2', () => {
    const { gradients: clipped, norm } = clipByGlobalNorm(gradients(), 6.5);
    expectArraysClose(norm, [13], 1e-6);
    expectArraysClose(clipped[0], [1.5, 2], 1e-6);
    expectArraysClose(clipped[1], [6], 1e-6);
    expect(clipped[1].shape).toEqual([1, 1]);
  });

  it('leaves gradients under the bound as they are', () => {
    const { gradients: clipped } = clipByGlobalNorm(gradients(), 20);
    expectArraysClose(clipped[0], [3, 4], 0);
    expectArraysClose(clipped[1], [12], 0);
  });

  it('rejects a bound of 0', () => {
    expect(() => clipByGlobalNorm(gradients(), 0)).toThrow(TrainingConfigError);
  });
}, ['cpu']);
