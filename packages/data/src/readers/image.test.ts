import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptFileError, DatasetError, MissingFileError, UnsupportedImageError } from '../errors.js';
import { readImage, readImageHeader, readPageCount } from './image.js';
import { encodePng } from './png_encode.js';

let folder: string;
const file = (name: string) => path.join(folder, name);
const width = 5;
const height = 4;
const ramp = (count: number, step: number, start = 0) => Array.from({ length: count }, (_, index) => (start + index * step) % 256);

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'unet-image-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('readImage', () => {
  it('scales an 8-bit gray PNG by 255 into one float32 channel', async () => {
    const values = ramp(width * height, 13);
    await writeFile(file('gray.png'), encodePng({ width, height, channels: 1, data: values }));
    const image = await readImage(file('gray.png'));
    expect([image.height, image.width, image.channels]).toEqual([height, width, 1]);
    expect(image.data).toBeInstanceOf(Float32Array);
    expect(Array.from(image.data)).toEqual(values.map((value) => Math.fround(value / 255)));
  });

  it('scales a 16-bit gray PNG by 65535, keeping values an 8-bit read would merge', async () => {
    const values = [0, 1, 2, 255, 256, 257, 1000, 4095, 32768, 65534, 65535, 12345];
    await writeFile(file('gray16.png'), encodePng({ width: 4, height: 3, channels: 1, bitDepth: 16, data: values }));
    expect((await readImageHeader(file('gray16.png'))).bitDepth).toBe(16);
    const image = await readImage(file('gray16.png'));
    expect(Array.from(image.data)).toEqual(values.map((value) => Math.fround(value / 65535)));
  });

  it('drops the alpha of an RGBA PNG unless 4 channels are asked for', async () => {
    const rgba = ramp(width * height * 4, 7, 3);
    await writeFile(file('rgba.png'), encodePng({ width, height, channels: 4, data: rgba }));
    const rgb = await readImage(file('rgba.png'));
    expect(rgb.channels).toBe(3);
    expect(Array.from(rgb.data)).toEqual(rgba.filter((_, index) => index % 4 !== 3).map((value) => Math.fround(value / 255)));
    const withAlpha = await readImage(file('rgba.png'), { channels: 4 });
    expect(Array.from(withAlpha.data)).toEqual(rgba.map((value) => Math.fround(value / 255)));
  });

  it('repeats gray into 3 channels and turns colour into luminance on request', async () => {
    const values = ramp(width * height, 11);
    await writeFile(file('gray-for-rgb.png'), encodePng({ width, height, channels: 1, data: values }));
    const rgb = await readImage(file('gray-for-rgb.png'), { channels: 3 });
    expect(Array.from(rgb.data)).toEqual(values.flatMap((value) => [value, value, value]).map((value) => Math.fround(value / 255)));
    // Pure red has a luminance well below white and well above black.
    await writeFile(file('red.png'), encodePng({ width: 1, height: 1, channels: 3, data: [255, 0, 0] }));
    const red = await readImage(file('red.png'), { channels: 1 });
    expect(red.channels).toBe(1);
    expect(red.data[0]).toBeGreaterThan(0.15);
    expect(red.data[0]).toBeLessThan(0.65);
  });

  it('reads an RGB JPEG as 3 channels close to the pixels it was made from', async () => {
    // A smooth gradient: JPEG at quality 100 keeps it within a few levels.
    const size = 16;
    const pixels = Array.from({ length: size * size }, (_, index) => {
      const row = Math.floor(index / size);
      const column = index % size;
      return [row * 12, column * 12, 128];
    }).flat();
    await writeFile(
      file('photo.jpg'),
      await sharp(Buffer.from(pixels), { raw: { width: size, height: size, channels: 3 } })
        .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
        .toBuffer(),
    );
    const image = await readImage(file('photo.jpg'));
    expect([image.height, image.width, image.channels]).toEqual([size, size, 3]);
    const worst = Math.max(...Array.from(image.data, (value, index) => Math.abs(value * 255 - pixels[index]!)));
    expect(worst).toBeLessThan(4);
  });

  it('reads 16-bit gray TIFFs compressed with LZW and with deflate exactly', async () => {
    const values = Uint16Array.from([0, 7, 300, 65535, 40000, 12, 1, 2, 3, 4, 5, 6]);
    for (const compression of ['lzw', 'deflate'] as const) {
      await writeFile(
        file(`gray16-${compression}.tif`),
        await sharp(values, { raw: { width: 4, height: 3, channels: 1 } })
          .toColourspace('grey16')
          .tiff({ compression })
          .toBuffer(),
      );
      const image = await readImage(file(`gray16-${compression}.tif`));
      expect(image.channels).toBe(1);
      expect(Array.from(image.data)).toEqual(Array.from(values, (value) => Math.fround(value / 65535)));
    }
  });

  it('reads each page of a multi-page TIFF stack and counts its pages', async () => {
    const pages = [ramp(width * height, 1, 0), ramp(width * height, 2, 50), ramp(width * height, 3, 100)];
    await writeFile(
      file('stack.tif'),
      await sharp(Buffer.from(pages.flat()), { raw: { width, height: height * 3, channels: 1, pageHeight: height } })
        .toColourspace('b-w')
        .tiff({ compression: 'lzw' })
        .toBuffer(),
    );
    expect(await readPageCount(file('stack.tif'))).toBe(3);
    for (let page = 0; page < 3; page++) {
      const image = await readImage(file('stack.tif'), { page });
      expect([image.height, image.width]).toEqual([height, width]);
      expect(Array.from(image.data)).toEqual(pages[page]!.map((value) => Math.fround(value / 255)));
    }
    await expect(readImage(file('stack.tif'), { page: 3 })).rejects.toThrow(/stack\.tif: page 3 does not exist; the file has 3 page/);
    await expect(readImage(file('stack.tif'), { page: 3 })).rejects.toBeInstanceOf(DatasetError);
  });

  it('gives typed errors naming the file for a missing, a truncated, a garbage and a float file', async () => {
    await expect(readImage(file('nothing.png'))).rejects.toBeInstanceOf(MissingFileError);
    await expect(readImage(file('nothing.png'))).rejects.toThrow(/nothing\.png: no such file/);
    const jpeg = await sharp(Buffer.from(ramp(32 * 32 * 3, 5)), { raw: { width: 32, height: 32, channels: 3 } })
      .jpeg()
      .toBuffer();
    await writeFile(file('cut.jpg'), jpeg.subarray(0, jpeg.length >> 1));
    await expect(readImage(file('cut.jpg'))).rejects.toBeInstanceOf(CorruptFileError);
    await expect(readImage(file('cut.jpg'))).rejects.toThrow(/cut\.jpg: cannot be decoded.*replace it/);
    const png = encodePng({ width: 16, height: 16, channels: 3, data: ramp(16 * 16 * 3, 7) });
    await writeFile(file('cut.png'), png.subarray(0, png.length - 30));
    await expect(readImage(file('cut.png'))).rejects.toBeInstanceOf(CorruptFileError);
    await writeFile(file('text.png'), 'this is not an image');
    await expect(readImage(file('text.png'))).rejects.toThrow(/text\.png: cannot be decoded/);
    await writeFile(file('float.tif'), floatTiff(2, 2, [0.5, 0.25, 1, 0]));
    await expect(readImage(file('float.tif'))).rejects.toBeInstanceOf(UnsupportedImageError);
    await expect(readImage(file('float.tif'))).rejects.toThrow(/float\.tif: samples of type 'float' are not supported/);
  });
});

/** A minimal uncompressed little-endian 32-bit float TIFF (sharp casts what it writes to 8 bits, so we write it ourselves). */
function floatTiff(width: number, height: number, values: number[]): Buffer {
  const tags: [number, number, number][] = [
    [256, 3, width], // ImageWidth, SHORT
    [257, 3, height], // ImageLength
    [258, 3, 32], // BitsPerSample
    [259, 3, 1], // Compression: none
    [262, 3, 1], // PhotometricInterpretation: black is zero
    [273, 4, 0], // StripOffsets, filled in below
    [277, 3, 1], // SamplesPerPixel
    [278, 3, height], // RowsPerStrip
    [279, 4, values.length * 4], // StripByteCounts
    [339, 3, 3], // SampleFormat: IEEE float
  ];
  const directoryOffset = 8;
  const directorySize = 2 + tags.length * 12 + 4;
  const pixelOffset = directoryOffset + directorySize;
  const out = Buffer.alloc(pixelOffset + values.length * 4);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(directoryOffset, 4);
  out.writeUInt16LE(tags.length, directoryOffset);
  tags.forEach(([tag, type, value], index) => {
    const at = directoryOffset + 2 + index * 12;
    out.writeUInt16LE(tag, at);
    out.writeUInt16LE(type, at + 2);
    out.writeUInt32LE(1, at + 4);
    if (type === 3) out.writeUInt16LE(value, at + 8);
    else out.writeUInt32LE(tag === 273 ? pixelOffset : value, at + 8);
  });
  for (const [index, value] of values.entries()) out.writeFloatLE(value, pixelOffset + index * 4);
  return out;
}
