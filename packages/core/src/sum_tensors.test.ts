import * as tf from '@tensorflow/tfjs-core';
import { describeWithBackends, expectArraysClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { sumTensors } from './sum_tensors.js';

describeWithBackends('sumTensors', () => {
  it('adds any number of tensors, as addN would, without leaking', () => {
    for (const count of [1, 2, 3, 8, 65]) {
      const tensors = Array.from({ length: count }, (_, index) => tf.tensor1d([index, 2 * index, 0.5]));
      const before = tf.memory().numTensors;
      const sum = sumTensors(tensors);
      expect(tf.memory().numTensors).toBe(before + 1);
      const total = (count * (count - 1)) / 2;
      expectArraysClose(sum.dataSync(), [total, 2 * total, 0.5 * count], 1e-6, 1e-6);
      tf.dispose([sum, ...tensors]);
    }
  });

  it('rejects an empty list', () => {
    expect(() => sumTensors([])).toThrow(/no tensors/);
  });
});
