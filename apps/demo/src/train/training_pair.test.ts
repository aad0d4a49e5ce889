import { describe, expect, it } from 'vitest';
import type { DecodedImage } from '@unet/data';
import { TrainingPairError, trainingPair } from './training_pair.js';

const gray = (values: number[], bitDepth: 8 | 16, width = 2): DecodedImage => ({
  data: Float32Array.from(values, (value) => value / (bitDepth === 8 ? 255 : 65535)),
  height: values.length / width,
  width,
  channels: 1,
  bitDepth,
});

describe('trainingPair', () => {
  it("makes classes of the mask's gray values in increasing order and keeps them", () => {
    const pair = trainingPair(gray([10, 20, 30, 40], 8), gray([255, 0, 0, 255], 8));
    expect(Array.from(pair.mask)).toEqual([1, 0, 0, 1]);
    expect(pair.classNames).toEqual(['value 0', 'value 255']);
    expect(pair.maskValues).toEqual([0, 255]);
    expect(Array.from(pair.image)).toEqual([10, 20, 30, 40].map((value) => Math.fround(value / 255)));
  });

  it('spreads the classes of a 16-bit mask over 0..255 for the 8-bit PNG download', () => {
    const pair = trainingPair(gray([1, 2, 3, 4], 16), gray([0, 1000, 2000, 1000], 16));
    expect(Array.from(pair.mask)).toEqual([0, 1, 2, 1]);
    expect(pair.maskValues).toEqual([0, 128, 255]);
  });

  it("reads a palette mask by its indices, not by its colours' first channel", () => {
    // VOC's classes 1 and 3 are (128, 0, 0) and (128, 128, 0): one red value, two classes.
    const colourOf: Record<number, number[]> = { 0: [0, 0, 0], 1: [128, 0, 0], 3: [128, 128, 0] };
    const indices = Uint8Array.from([0, 1, 3, 1]);
    const mask: DecodedImage = {
      data: Float32Array.from(Array.from(indices).flatMap((index) => colourOf[index].map((value) => value / 255))),
      height: 2,
      width: 2,
      channels: 3,
      bitDepth: 8,
      paletteIndices: indices,
    };
    const pair = trainingPair(gray([1, 2, 3, 4], 8), mask);
    expect(Array.from(pair.mask)).toEqual([0, 1, 2, 1]);
    expect(pair.maskValues).toEqual([0, 1, 3]);
  });

  it('refuses a mask of another size or with one value', () => {
    expect(() => trainingPair(gray([1, 2, 3, 4], 8), gray([0, 255], 8))).toThrow(/the image is 2 x 2 pixels but the mask 2 x 1/);
    expect(() => trainingPair(gray([1, 2, 3, 4], 8), gray([7, 7, 7, 7], 8))).toThrow(TrainingPairError);
  });
});
