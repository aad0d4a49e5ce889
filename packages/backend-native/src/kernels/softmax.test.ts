import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { nativeAddonStatus } from '../addon_status.js';

const status = nativeAddonStatus();

describe.skipIf(!status.available)('Softmax', () => {
  beforeAll(async () => {
    await import('../index.js');
  });

  function softmaxOn(backend: string, values: Float32Array, shape: number[], dim?: number): Float32Array {
    tf.setBackend(backend);
    return tf.tidy(() => tf.softmax(tf.tensor(values, shape), dim).dataSync() as Float32Array);
  }

  for (const shape of [[1, 5, 7, 2], [2, 33, 17, 3], [4, 1], [6]]) {
    it(`gives the cpu backend's probabilities bit for bit over the last axis, NaN and infinities included (${shape.join('x')})`, () => {
      const values = tf.randomNormal([tf.util.sizeFromShape(shape)], 0, 30, 'float32', 5).dataSync() as Float32Array;
      // A NaN, both infinities, equal logits and a -0, in the first rows.
      values.set([Number.NaN, 1, Number.POSITIVE_INFINITY, 2, Number.NEGATIVE_INFINITY, 0, 3, 3, -0, 0].slice(0, values.length));
      const expected = softmaxOn('cpu', values, shape);
      const actual = softmaxOn('native', values, shape);
      // toEqual tells -0 from 0 and takes NaN as equal to NaN.
      expect(Array.from(actual)).toEqual(Array.from(expected));
    });
  }

  it('leaves no tensor behind', () => {
    tf.setBackend('native');
    const logits = tf.randomNormal([1, 8, 8, 2], 0, 1, 'float32', 6);
    const before = tf.memory().numTensors;
    tf.softmax(logits).dispose();
    expect(tf.memory().numTensors).toBe(before);
    logits.dispose();
  });
});
