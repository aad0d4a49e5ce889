import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readLabelImage } from './label_image.js';
import { encodeTiffStack } from './tiff_encode.js';

const folder = mkdtempSync(path.join(tmpdir(), 'unet-tiff-encode-'));

describe('encodeTiffStack', () => {
  it('writes 8-bit pages that libvips (sharp) and our label reader read back exactly', async () => {
    const pages = [0, 1, 2].map((page) => ({ width: 3, height: 2, data: [0, 255, page, 7, 8, 9] }));
    const file = path.join(folder, 'stack8.tif');
    writeFileSync(file, encodeTiffStack(pages));
    expect((await sharp(file).metadata()).pages).toBe(3);
    for (const page of [0, 1, 2]) {
      expect((await sharp(file, { page }).metadata()).channels).toBe(1);
      const { data, info } = await sharp(file, { page }).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height, info.channels]).toEqual([3, 2, 1]);
      expect(Array.from(data)).toEqual([0, 255, page, 7, 8, 9]);
      expect(Array.from((await readLabelImage(file, { page })).data)).toEqual([0, 255, page, 7, 8, 9]);
    }
  });

  it('writes 16-bit pages when a value exceeds 255 (instance labels)', async () => {
    const file = path.join(folder, 'stack16.tif');
    writeFileSync(
      file,
      encodeTiffStack([
        { width: 2, height: 2, data: [0, 300, 65535, 1] },
        { width: 2, height: 2, data: [5, 0, 0, 0] },
      ]),
    );
    expect((await sharp(file).metadata()).depth).toBe('ushort');
    expect(Array.from((await readLabelImage(file, { page: 0 })).data)).toEqual([0, 300, 65535, 1]);
    expect(Array.from((await readLabelImage(file, { page: 1 })).data)).toEqual([5, 0, 0, 0]);
  });

  it('rejects what a gray TIFF cannot hold', () => {
    expect(() => encodeTiffStack([])).toThrow(/no pages/);
    expect(() => encodeTiffStack([{ width: 2, height: 1, data: [1] }])).toThrow(/1 values, not 2 x 1/);
    expect(() => encodeTiffStack([{ width: 1, height: 1, data: [-1] }])).toThrow(/0\.\.65535/);
    expect(() => encodeTiffStack([{ width: 1, height: 1, data: [300] }], 8)).toThrow(/does not fit 8 bits/);
  });
});
