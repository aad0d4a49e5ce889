import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeEach, describe, expect, it } from 'vitest';
import { sharedDatasetsRoot } from '@unet/test-utils';
import { ImageDecodeError } from './decode_error.js';
import { decodeTiff, isTiff } from './tiff_decode.js';

// The demo's bundled samples: a 16-bit LZW TIFF and the 8-bit PNG it was made from.
const samples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'apps', 'demo', 'public', 'samples');

/** sharp's (libvips's) reading of the same file, as the reference: values / bit-depth maximum. */
async function referenceOf(bytes: Uint8Array): Promise<{ data: Float32Array; channels: number }> {
  const image = sharp(bytes);
  const { depth, channels = 1, hasAlpha } = await image.metadata();
  const colour = hasAlpha ? channels - 1 : channels;
  // sharp would otherwise hand gray back as sRGB, through a colour transform.
  const space = colour === 1 ? (depth === 'ushort' ? 'grey16' : 'b-w') : depth === 'ushort' ? 'rgb16' : 'srgb';
  const { data, info } = await image
    .removeAlpha()
    .toColourspace(space)
    .raw({ depth: depth === 'ushort' ? 'ushort' : 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const values = depth === 'ushort' ? new Uint16Array(data.buffer, data.byteOffset, data.length / 2) : data;
  const maximum = depth === 'ushort' ? 65535 : 255;
  const pixels = info.width * info.height;
  const result = new Float32Array(pixels * colour);
  for (let pixel = 0; pixel < pixels; pixel++) {
    for (let channel = 0; channel < colour; channel++) result[pixel * colour + channel] = values[pixel * info.channels + channel] / maximum;
  }
  return { data: result, channels: colour };
}

/** How many values differ (toEqual's diff of a large array takes minutes to print). */
function mismatches(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) return Math.max(actual.length, expected.length);
  let count = 0;
  for (let index = 0; index < actual.length; index++) if (actual[index] !== expected[index]) count++;
  return count;
}

/** A deterministic image with smooth and sharp parts (so that LZW builds long codes). */
function testPattern(width: number, height: number, channels: number, maximum: number): Uint8Array | Uint16Array {
  const values = maximum === 255 ? new Uint8Array(width * height * channels) : new Uint16Array(width * height * channels);
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      for (let channel = 0; channel < channels; channel++) {
        const smooth = (row * 7 + column * 3 + channel * 50) / (7 * height + 3 * width + 100);
        const edge = (row >> 3) % 2 === (column >> 4) % 2 ? 0.2 : 0;
        values[(row * width + column) * channels + channel] = Math.round(((smooth + edge) % 1) * maximum);
      }
    }
  }
  return values;
}

describe('decodeTiff', () => {
  it('reads a hand-written 2 x 3 big-endian 16-bit uncompressed file', async () => {
    // Header MM 42, IFD at 8: width 3, height 2, 16 bits, no compression, BlackIsZero, one strip at 200.
    const bytes = new Uint8Array(212);
    const view = new DataView(bytes.buffer);
    bytes.set([0x4d, 0x4d, 0, 42]);
    view.setUint32(4, 8);
    const tags: [number, number, number][] = [
      [256, 3, 3],
      [257, 3, 2],
      [258, 3, 16],
      [259, 3, 1],
      [262, 3, 1],
      [273, 4, 200],
      [278, 3, 2],
      [279, 4, 12],
    ];
    view.setUint16(8, tags.length);
    tags.forEach(([tag, type, value], index) => {
      const entry = 10 + index * 12;
      view.setUint16(entry, tag);
      view.setUint16(entry + 2, type);
      view.setUint32(entry + 4, 1);
      if (type === 3) view.setUint16(entry + 8, value);
      else view.setUint32(entry + 8, value);
    });
    for (const [index, value] of [0, 1, 256, 65535, 32768, 1000].entries()) view.setUint16(200 + index * 2, value);
    const image = await decodeTiff(bytes);
    expect(image).toMatchObject({ width: 3, height: 2, channels: 1, bitDepth: 16 });
    expect(Array.from(image.data)).toEqual([0, 1, 256, 65535, 32768, 1000].map((value) => Math.fround(value / 65535)));
  });

  const variants = [
    { compression: 'none', predictor: 'none', channels: 1, maximum: 255 },
    { compression: 'lzw', predictor: 'none', channels: 1, maximum: 255 },
    { compression: 'lzw', predictor: 'horizontal', channels: 1, maximum: 65535 },
    { compression: 'deflate', predictor: 'horizontal', channels: 3, maximum: 255 },
    { compression: 'deflate', predictor: 'none', channels: 1, maximum: 65535 },
    { compression: 'lzw', predictor: 'horizontal', channels: 3, maximum: 65535 },
  ] as const;
  for (const variant of variants) {
    it(`equals libvips on a ${variant.maximum === 255 ? 8 : 16}-bit ${variant.channels === 1 ? 'gray' : 'RGB'} file, compression ${variant.compression}, predictor ${variant.predictor}`, async () => {
      const width = 97;
      const height = 61;
      const pixels = testPattern(width, height, variant.channels, variant.maximum);
      const bytes = new Uint8Array(
        await sharp(pixels, { raw: { width, height, channels: variant.channels } })
          .toColourspace(variant.channels === 1 ? (variant.maximum === 255 ? 'b-w' : 'grey16') : variant.maximum === 255 ? 'srgb' : 'rgb16')
          .tiff({ compression: variant.compression, predictor: variant.predictor })
          .toBuffer(),
      );
      expect(isTiff(bytes)).toBe(true);
      const image = await decodeTiff(bytes);
      expect(image).toMatchObject({ width, height, channels: variant.channels, bitDepth: variant.maximum === 255 ? 8 : 16 });
      const expected = Float32Array.from(pixels, (value) => value / variant.maximum);
      expect(mismatches(image.data, expected)).toBe(0);
    });
  }

  it('reads the bundled 16-bit LZW sample as the 8-bit PNG it was made from', async () => {
    const tiff = await decodeTiff(new Uint8Array(readFileSync(path.join(samples, 'isbi-train-03-small-16bit.tif'))));
    const png = await referenceOf(new Uint8Array(readFileSync(path.join(samples, 'isbi-train-03-small.png'))));
    expect(tiff).toMatchObject({ width: 128, height: 128, channels: 1, bitDepth: 16 });
    // v * 257 / 65535 and v / 255 are the same number up to float32 rounding.
    let largest = 0;
    for (let index = 0; index < tiff.data.length; index++) largest = Math.max(largest, Math.abs(tiff.data[index] - png.data[index]));
    expect(largest).toBeLessThan(1e-7);
  });

  describe('on the Cell Tracking Challenge files in ../shared/datasets', () => {
    beforeEach((context) => {
      if (sharedDatasetsRoot === undefined) context.skip('../shared/datasets is absent (a fresh clone has none)');
    });

    for (const file of ['dic-c2dh-hela/01/t000.tif', 'dic-c2dh-hela/01_ST/SEG/man_seg000.tif']) {
      it(`equals libvips on ${file}`, async () => {
        const bytes = new Uint8Array(readFileSync(path.join(sharedDatasetsRoot ?? '', file)));
        const image = await decodeTiff(bytes, file);
        const reference = await referenceOf(bytes);
        expect(image.channels).toBe(reference.channels);
        expect(mismatches(image.data, reference.data)).toBe(0);
      });
    }
  });

  it('refuses tiled and JPEG-compressed files with a message that says how to convert them', async () => {
    const pixels = testPattern(64, 64, 1, 255);
    const tiled = await sharp(pixels, { raw: { width: 64, height: 64, channels: 1 } })
      .tiff({ tile: true, tileWidth: 16, tileHeight: 16 })
      .toBuffer();
    await expect(decodeTiff(new Uint8Array(tiled), 'tiled.tif')).rejects.toThrow(/tiled.tif: tiled TIFFs are not supported; convert it/);
    const jpeg = await sharp(pixels, { raw: { width: 64, height: 64, channels: 1 } })
      .tiff({ compression: 'jpeg' })
      .toBuffer();
    await expect(decodeTiff(new Uint8Array(jpeg), 'jpeg.tif')).rejects.toThrow(ImageDecodeError);
    await expect(decodeTiff(new Uint8Array([1, 2, 3, 4]), 'x.png')).rejects.toThrow(/x.png: not a TIFF file/);
  });
});
