import * as tf from '@tensorflow/tfjs-core';
import { type GrayValueChange, applyGrayValueChange } from '@unet/data';
import { describeWithBackends, expectArraysClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import '@unet/backend-webgpu';
import { grayValueChangeKernelName } from './gray_value_change.js';

// Four tiles of 3 x 3 x 2 with values past [0, 1] (as bicubic overshoot gives them): the
// change of @unet/data's applyGrayValueChange (float64) is the reference.
const changes: GrayValueChange[] = [
  { brightness: 0.1, contrast: 1.2, gamma: 0.8 },
  // Contrast 1: the mean drops out; gamma 1: no power.
  { brightness: -0.05, contrast: 1, gamma: 1 },
  // No change at all: the tile is copied, not clamped.
  { brightness: 0, contrast: 1, gamma: 1 },
  // Darkened to 0 in places, then a power below 1 (0^gamma is 0).
  { brightness: -0.6, contrast: 0.8, gamma: 0.77 },
];
const tileValues = 3 * 3 * 2;
const values = Float32Array.from({ length: changes.length * tileValues }, (_, index) => Math.sin(index * 1.7) * 0.6 + 0.5);

describeWithBackends('UnetGrayValueChange (the gray-value change of a batch of tiles in one dispatch)', () => {
  it("equals @unet/data's applyGrayValueChange per tile, with each tile's channel means, and leaks no tensors", async () => {
    const expected = new Float32Array(values.length);
    const means: number[] = [];
    changes.forEach((change, tile) => {
      const data = values.slice(tile * tileValues, (tile + 1) * tileValues);
      for (let channel = 0; channel < 2; channel++) {
        let sum = 0;
        for (let i = channel; i < data.length; i += 2) sum += data[i];
        means.push(sum / 9);
      }
      expected.set(applyGrayValueChange({ data, height: 3, width: 3, channels: 2 }, change).data, tile * tileValues);
    });
    const before = tf.memory().numTensors;
    const result = tf.tidy(() =>
      tf.engine().runKernel(grayValueChangeKernelName, {
        images: tf.tensor4d(values, [changes.length, 3, 3, 2]),
        means: tf.tensor2d(means, [changes.length, 2]),
        changes: tf.tensor2d(
          changes.flatMap((change, tile) => [change.brightness, change.contrast, change.gamma, tile === 2 ? 0 : 1]),
          [changes.length, 4],
        ),
      }),
    ) as tf.Tensor;
    const actual = await result.data();
    result.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expectArraysClose(actual, expected, 1e-5);
    // The unchanged tile holds its values past [0, 1].
    expect(Array.from(actual.slice(2 * tileValues, 3 * tileValues))).toEqual(Array.from(values.slice(2 * tileValues, 3 * tileValues)));
  });
}, ['webgpu']);
