import * as tf from '@tensorflow/tfjs-core';
import { describeWithBackends, expectTensorsClose } from '@unet/test-utils';
import { describe, expect, it } from 'vitest';
import { CropSizeError, centreCrop, centreCropWindow, cropToMatch } from './crop_to_match.js';

describeWithBackends('centreCrop', () => {
  it('cuts the centre window of a hand-written 5x4 image, dropping the odd row at the bottom', () => {
    // Pixel value = 10 * row + column; H - h = 3 and W - w = 1, so the window starts at (1, 0).
    const image = tf.tensor4d([0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23, 30, 31, 32, 33, 40, 41, 42, 43], [1, 5, 4, 1]);
    const cropped = centreCrop(image, 2, 3);
    expectTensorsClose(cropped, { shape: [1, 2, 3, 1], values: [10, 11, 12, 20, 21, 22] });
    tf.dispose([image, cropped]);
  });

  it('keeps the batch and the channels apart', () => {
    // [batch 2, 4, 4, channels 2]; value = 1000 * image + 100 * row + 10 * column + channel.
    const values: number[] = [];
    for (let image = 0; image < 2; image++)
      for (let row = 0; row < 4; row++)
        for (let column = 0; column < 4; column++)
          for (let channel = 0; channel < 2; channel++) values.push(1000 * image + 100 * row + 10 * column + channel);
    const x = tf.tensor4d(values, [2, 4, 4, 2]);
    const cropped = centreCrop(x, 2, 2);
    expectTensorsClose(cropped, {
      shape: [2, 2, 2, 2],
      values: [110, 111, 120, 121, 210, 211, 220, 221, 1110, 1111, 1120, 1121, 1210, 1211, 1220, 1221],
    });
    tf.dispose([x, cropped]);
  });

  it("crops the paper's first skip connection, 568 to 392, at offset 88", () => {
    // Only the window's first and last rows matter: a ramp along the height shows the offset.
    const ramp = tf.tidy(() => tf.reshape(tf.range(0, 568, 1, 'float32'), [1, 568, 1, 1]) as tf.Tensor4D);
    const cropped = centreCrop(ramp, 392, 1);
    const values = cropped.dataSync();
    expect(cropped.shape).toEqual([1, 392, 1, 1]);
    expect([values[0], values[391]]).toEqual([88, 479]);
    tf.dispose([ramp, cropped]);
  });

  it('returns an equal tensor when the sizes already match, and leaks no tensors', () => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const before = tf.memory().numTensors;
    const cropped = centreCrop(x, 2, 2);
    expectTensorsClose(cropped, x);
    cropped.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });

  it('refuses a crop larger than the source, or of no size', () => {
    const x = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    expect(() => centreCrop(x, 5, 4)).toThrow(CropSizeError);
    expect(() => centreCrop(x, 4, 5)).toThrow(/width of 4 to 5, which is larger/);
    expect(() => centreCrop(x, 0, 4)).toThrow(CropSizeError);
    expect(() => centreCrop(x, 2.5, 4)).toThrow(CropSizeError);
    x.dispose();
  });
});

describeWithBackends('cropToMatch', () => {
  it("crops to the reference's height and width, whatever its batch and channels", () => {
    const x = tf.tensor4d([0, 1, 2, 10, 11, 12, 20, 21, 22], [1, 3, 3, 1]);
    const reference = tf.zeros([4, 1, 1, 7]) as tf.Tensor4D;
    const cropped = cropToMatch(x, reference);
    expectTensorsClose(cropped, { shape: [1, 1, 1, 1], values: [11] });
    expect(() => cropToMatch(reference, x)).toThrow(CropSizeError);
    tf.dispose([x, reference, cropped]);
  });
});

describe('centreCropWindow', () => {
  it("gives the paper's first skip offset (568 to 392: 88) and drops an odd pixel at the bottom and right", () => {
    expect(centreCropWindow(568, 568, 392, 392)).toEqual({ top: 88, left: 88 });
    expect(centreCropWindow(5, 4, 2, 3)).toEqual({ top: 1, left: 0 });
    expect(centreCropWindow(8, 8, 8, 8)).toEqual({ top: 0, left: 0 });
  });

  it('refuses a window larger than the image', () => {
    expect(() => centreCropWindow(4, 4, 5, 4)).toThrow(CropSizeError);
  });
});
