import * as tf from '@tensorflow/tfjs-core';
import { RELU_GRADIENT_KERNEL } from '@unet/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { nativeAddonStatus } from '../addon_status.js';
import { reluGradientKernelName } from './relu_gradient.js';

const status = nativeAddonStatus();

describe('ReLU gradient kernel name', () => {
  it("is the one @unet/model's convolveBiasRelu gradient looks for", () => {
    expect(reluGradientKernelName).toBe(RELU_GRADIENT_KERNEL);
  });
});

describe.skipIf(!status.available)('UnetReluGradient', () => {
  beforeAll(async () => {
    await import('../index.js');
  });

  // Sizes below and above the addon's threading threshold (32,768 elements).
  for (const shape of [
    [2, 3, 4, 5],
    [2, 64, 64, 9],
  ]) {
    it(`gives tf.mul(dy, tf.step(y)) of cpu bit for bit, zeros, signs, NaN and infinities included (${shape.join('x')})`, () => {
      const size = tf.util.sizeFromShape(shape);
      const yValues = tf.randomNormal([size], 0, 1, 'float32', 31).dataSync() as Float32Array;
      const dyValues = tf.randomNormal([size], 0, 1, 'float32', 32).dataSync() as Float32Array;
      // y: 0, -0, NaN, infinities; dy: NaN, infinities and -0 where y is below, at and above 0.
      yValues.set([0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1, -1, 2, -2]);
      dyValues.set([1, 1, 1, 1, 1, Number.NaN, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
      dyValues[9] = -0;
      yValues[9] = 3;
      dyValues[10] = -5;
      yValues[10] = -3;
      tf.setBackend('cpu');
      const expected = tf.tidy(() => tf.mul(tf.tensor(dyValues, shape), tf.step(tf.tensor(yValues, shape))).dataSync());
      tf.setBackend('native');
      const dy = tf.tensor(dyValues, shape);
      const y = tf.tensor(yValues, shape);
      const actual = tf.engine().runKernel(RELU_GRADIENT_KERNEL, { dy, y }) as tf.Tensor;
      expect(actual.shape).toEqual(shape);
      // toEqual tells -0 from 0 and takes NaN as equal to NaN.
      expect(Array.from(actual.dataSync())).toEqual(Array.from(expected));
      expect(Object.is(actual.dataSync()[10], -0)).toBe(true);
      tf.dispose([dy, y, actual]);
    });
  }

  it('refuses dy and y of different shapes, naming both', () => {
    tf.setBackend('native');
    const dy = tf.zeros([2, 3]);
    const y = tf.zeros([3, 2]);
    expect(() => tf.engine().runKernel(RELU_GRADIENT_KERNEL, { dy, y })).toThrow(/\[2,3\] and float32 \[3,2\]/);
    tf.dispose([dy, y]);
  });
});
