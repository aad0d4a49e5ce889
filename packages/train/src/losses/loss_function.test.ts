import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@unet/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { validPixels, weightedPixelMean } from './loss_function.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('weightedPixelMean', () => {
  // One image of 1 x 4 pixels: losses 1, 2, 3, 4; the last pixel is ignored (label 255).
  const perPixel = () => tf.tensor3d([[[1, 2, 3, 4]]]);
  const valid = () => validPixels(tf.tensor3d([[[0, 1, 0, 255]]], undefined, 'int32'), 255);

  it('divides by the weights that count, or by the valid pixels', () => {
    const weights = tf.tensor3d([[[2, 1, 1, 5]]]);
    // (2*1 + 1*2 + 1*3) / (2 + 1 + 1) = 7 / 4; by pixels: 7 / 3.
    expect(weightedPixelMean(perPixel(), valid(), weights, 'weights').dataSync()[0]).toBeCloseTo(7 / 4, 6);
    expect(weightedPixelMean(perPixel(), valid(), weights, 'pixels').dataSync()[0]).toBeCloseTo(7 / 3, 6);
    expect(weightedPixelMean(perPixel(), valid(), undefined, 'weights').dataSync()[0]).toBeCloseTo(2, 6);
  });

  it('is 0 when every pixel is ignored', () => {
    expect(weightedPixelMean(perPixel(), tf.zeros([1, 1, 4]), undefined, 'weights').dataSync()[0]).toBe(0);
  });
});
