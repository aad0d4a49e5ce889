import { describe, expect, it } from 'vitest';
import { grayPixels, maskValues, objectColour } from './render.js';

describe('maskValues', () => {
  it("uses the model's label mapping (ISBI: membrane 0, cell 255)", () => {
    expect(maskValues(2, { labelMapping: { values: [0, 255] } })).toEqual([0, 255]);
  });

  it('writes 0 and 255, or the class ids beyond two classes, without a usable mapping (as unet predict)', () => {
    expect(maskValues(2, {})).toEqual([0, 255]);
    expect(maskValues(3, { labelMapping: { values: [0, 1000, 2] } })).toEqual([0, 1, 2]);
    // A 1-class (sigmoid) head still writes two values: background and the class.
    expect(maskValues(1, {})).toEqual([0, 255]);
  });
});

describe('grayPixels', () => {
  it("stretches the image's own range to 0..255 (a 12-bit image in a 16-bit file is visible)", () => {
    // (v - 0.01) / 0.0525 * 255, rounded: 0, 97.1, 194.3, 255.
    const rgba = grayPixels(Float32Array.from([0.01, 0.03, 0.05, 0.0625]), 2, 2, 1);
    expect(Array.from(rgba.filter((_, index) => index % 4 === 0))).toEqual([0, 97, 194, 255]);
    expect(rgba[3]).toBe(255);
  });
});

describe('objectColour', () => {
  it('gives objects with neighbouring ids clearly different colours, the same each time', () => {
    const distance = (a: number[], b: number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
    for (let id = 1; id < 200; id++) {
      const colour = objectColour(id);
      expect(colour.every((part) => Number.isInteger(part) && part >= 0 && part <= 255)).toBe(true);
      expect(distance(colour, objectColour(id + 1))).toBeGreaterThan(100);
    }
    expect(objectColour(7)).toEqual(objectColour(7));
  });
});
