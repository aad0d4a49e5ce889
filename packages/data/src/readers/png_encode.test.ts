import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DatasetOptionError } from '../errors.js';
import { encodePng } from './png_encode.js';

// sharp decodes what we encode: an independent check of the chunks, the filters and the byte order.
describe('encodePng', () => {
  it('writes 8-bit gray, RGB and RGBA PNGs that sharp reads back exactly, with every filter', async () => {
    const width = 6;
    const height = 5;
    for (const channels of [1, 3, 4] as const) {
      const data = Array.from({ length: width * height * channels }, (_, index) => (index * 37 + 11) % 256);
      for (const filter of [0, 1, 2, 3, 4, 'cycle'] as const) {
        const png = encodePng({ width, height, channels, data, filter });
        const pipeline = channels === 1 ? sharp(png).toColourspace('b-w') : sharp(png);
        const decoded = await pipeline.raw().toBuffer({ resolveWithObject: true });
        expect(decoded.info.channels).toBe(channels);
        expect(Array.from(decoded.data)).toEqual(data);
      }
    }
  });

  it('writes 16-bit gray big-endian, as sharp reads it', async () => {
    const data = [0, 1, 255, 256, 4097, 65535];
    const png = encodePng({ width: 3, height: 2, channels: 1, bitDepth: 16, data, filter: 'cycle' });
    const raw = await sharp(png).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer();
    expect(Array.from(new Uint16Array(raw.buffer, raw.byteOffset, raw.length / 2))).toEqual(data);
  });

  it('writes a palette PNG that sharp expands to the palette colours', async () => {
    const palette = [0, 0, 0, 255, 0, 0, 0, 0, 255];
    const png = encodePng({ width: 3, height: 1, channels: 1, data: [2, 0, 1], palette });
    expect((await sharp(png).metadata()).isPalette).toBe(true);
    const raw = await sharp(png).raw().toBuffer();
    expect(Array.from(raw)).toEqual([0, 0, 255, 0, 0, 0, 255, 0, 0]);
  });

  it('rejects samples outside the bit depth or the palette, and a wrong data length', () => {
    expect(() => encodePng({ width: 2, height: 1, channels: 1, data: [0, 256] })).toThrow(DatasetOptionError);
    expect(() => encodePng({ width: 2, height: 1, channels: 1, data: [0, 3], palette: [0, 0, 0, 9, 9, 9] })).toThrow(/outside 0\.\.1/);
    expect(() => encodePng({ width: 2, height: 2, channels: 1, data: [0, 1] })).toThrow(/needs 4/);
  });
});
