import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { vocColourMap } from '../layouts/voc/colour_map.js';
import { ImageDecodeError } from './decode_error.js';
import { decodePalettePng, isPalettePng } from './decode_palette_png.js';

/** VOC's palette (vocColourMap) as fast-png's [red, green, blue] entries. */
function vocPalette(): number[][] {
  const map = vocColourMap();
  return Array.from({ length: 256 }, (_, index) => [map[index * 3], map[index * 3 + 1], map[index * 3 + 2]]);
}

describe('decodePalettePng', () => {
  it("keeps a VOC mask's indices, classes 1 and 3 apart although their red channels are equal", () => {
    const palette = vocPalette();
    // The premise: the first channel alone would merge them.
    expect(palette[1][0]).toBe(palette[3][0]);
    const width = 7;
    const height = 3;
    const indices = Uint8Array.from({ length: width * height }, (_, pixel) => [0, 1, 3, 15, 255, 20, 1][pixel % 7]);
    const bytes = encode({ width, height, data: indices, depth: 8, channels: 1, palette });
    expect(isPalettePng(bytes)).toBe(true);
    const image = decodePalettePng(bytes, 'mask.png');
    expect(Array.from(image.paletteIndices ?? [])).toEqual(Array.from(indices));
    expect(image).toMatchObject({ width, height, channels: 3, bitDepth: 8 });
    // The colours are the palette's: pixel 1 is class 1, VOC's (128, 0, 0).
    expect(Array.from(image.data.subarray(3, 6))).toEqual([Math.fround(128 / 255), 0, 0]);
  });

  it('unpacks 2- and 4-bit indices, rows starting on a byte', () => {
    for (const depth of [2, 4] as const) {
      const width = 5;
      const height = 2;
      const values = [0, 1, 2, 3, 1, 3, 2, 1, 0, 2];
      const rowBytes = Math.ceil((width * depth) / 8);
      const packed = new Uint8Array(rowBytes * height);
      values.forEach((value, pixel) => {
        const row = Math.floor(pixel / width);
        const bit = (pixel % width) * depth;
        packed[row * rowBytes + (bit >> 3)] |= value << (8 - depth - (bit & 7));
      });
      const palette = [
        [0, 0, 0],
        [10, 10, 10],
        [20, 20, 20],
        [30, 30, 30],
      ];
      const image = decodePalettePng(encode({ width, height, data: packed, depth, channels: 1, palette }), 'packed.png');
      expect(Array.from(image.paletteIndices ?? []), `depth ${depth}`).toEqual(values);
      // A gray palette gives one channel.
      expect(image.channels).toBe(1);
      expect(image.data[3]).toBeCloseTo(30 / 255, 6);
    }
  });

  it('tells a gray PNG from a palette one, and names the file of a broken one', () => {
    const gray = encode({ width: 2, height: 1, data: new Uint8Array([0, 255]), depth: 8, channels: 1 });
    expect(isPalettePng(gray)).toBe(false);
    const broken = encode({ width: 4, height: 4, data: new Uint8Array(16), depth: 8, channels: 1, palette: [[0, 0, 0]] }).subarray(0, 40);
    expect(() => decodePalettePng(broken, 'broken.png')).toThrow(ImageDecodeError);
    expect(() => decodePalettePng(broken, 'broken.png')).toThrow(/broken\.png/);
  });
});
