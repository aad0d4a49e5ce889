import { describe, expect, it } from 'vitest';
import { eightBitMaskValues, grayPixels, objectColour } from './render.js';

describe('eightBitMaskValues', () => {
  it("keeps the model's label values (ISBI: cell 255, membrane 0) where they fit in 8 bits", () => {
    expect(eightBitMaskValues([255, 0])).toEqual([255, 0]);
  });

  it('writes the class ids where a value needs 16 bits', () => {
    expect(eightBitMaskValues([0, 1000, 2])).toEqual([0, 1, 2]);
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
