import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodePng } from '@unet/data/node';
import { describe, expect, it } from 'vitest';
import { writeLabelPng, writeProbabilityPng, writeRgbaPng } from './png_files.js';

const folder = mkdtempSync(path.join(tmpdir(), 'unet-png-'));

// Read back with our own decoder (an independent reader: sharp would convert to sRGB on output).
function rawPixels(file: string) {
  const png = decodePng(readFileSync(file));
  return { data: png.samples, info: { width: png.width, height: png.height, channels: png.channels, bitDepth: png.bitDepth } };
}

describe('PNG files', () => {
  it('writes masks in the user values, 8-bit when they fit', async () => {
    const file = path.join(folder, 'mask.png');
    await writeLabelPng(file, Int32Array.from([0, 1, 1, 0]), 2, 2, [0, 255]);
    const { data, info } = rawPixels(file);
    expect([info.width, info.height, info.channels]).toEqual([2, 2, 1]);
    expect(Array.from(data)).toEqual([0, 255, 255, 0]);
  });

  it('writes 16-bit masks when values exceed 255', async () => {
    const file = path.join(folder, 'instances.png');
    await writeLabelPng(file, Int32Array.from([0, 300, 65535, 7]), 2, 2);
    const { data, info } = rawPixels(file);
    expect(info.bitDepth).toBe(16);
    expect(Array.from(data)).toEqual([0, 300, 65535, 7]);
  });

  it('rejects values a PNG cannot hold', async () => {
    await expect(writeLabelPng(path.join(folder, 'bad.png'), Int32Array.from([70000]), 1, 1)).rejects.toThrow(/write a TIFF/);
  });

  it('writes probabilities as 16-bit gray and RGBA pictures', async () => {
    const file = path.join(folder, 'probability.png');
    await writeProbabilityPng(file, Float32Array.from([0, 0.5, 1, 2]), 1, 4);
    expect(Array.from(rawPixels(file).data)).toEqual([0, 32768, 65535, 65535]);
    const picture = path.join(folder, 'picture.png');
    await writeRgbaPng(picture, { data: Uint8Array.from([255, 0, 0, 255]), height: 1, width: 1 });
    const { data, info } = rawPixels(picture);
    expect(info.channels).toBe(4);
    expect(Array.from(data)).toEqual([255, 0, 0, 255]);
  });
});
