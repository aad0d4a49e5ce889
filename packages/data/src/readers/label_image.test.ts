import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnsupportedImageError } from '../errors.js';
import { vocColourMap } from '../layouts/voc/colour_map.js';
import { readLabelImage } from './label_image.js';
import { encodePng } from './png_encode.js';

let folder: string;
const file = (name: string) => path.join(folder, name);

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'unet-labels-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('readLabelImage', () => {
  it('keeps the values of a 16-bit instance TIFF exact, beyond 255', async () => {
    const instances = Uint16Array.from([0, 0, 1, 1, 2, 300, 300, 0, 65535, 65535, 4, 0]);
    await writeFile(
      file('man_seg000.tif'),
      await sharp(instances, { raw: { width: 4, height: 3, channels: 1 } })
        .toColourspace('grey16')
        .tiff({ compression: 'lzw' })
        .toBuffer(),
    );
    const labels = await readLabelImage(file('man_seg000.tif'));
    expect(labels.data).toBeInstanceOf(Int32Array);
    expect([labels.height, labels.width, labels.kind, labels.bitDepth]).toEqual([3, 4, 'gray', 16]);
    expect(Array.from(labels.data)).toEqual(Array.from(instances));
  });

  it('keeps 16-bit PNG values exact', async () => {
    const values = [0, 256, 513, 65535, 1, 2];
    await writeFile(file('instances16.png'), encodePng({ width: 3, height: 2, channels: 1, bitDepth: 16, data: values }));
    expect(Array.from((await readLabelImage(file('instances16.png'))).data)).toEqual(values);
  });

  it('gives the palette indices of a VOC mask, 255 borders included, not its colours', async () => {
    const indices = [0, 0, 255, 15, 15, 255, 0, 20, 1];
    await writeFile(file('voc.png'), encodePng({ width: 3, height: 3, channels: 1, data: indices, palette: vocColourMap() }));
    const labels = await readLabelImage(file('voc.png'));
    expect(labels.kind).toBe('palette');
    expect(Array.from(labels.data)).toEqual(indices);
    expect(labels.palette!.length).toBe(768);
  });

  it('reads gray 0/255 masks as stored, and RGB masks with equal channels as gray', async () => {
    const values = [0, 255, 255, 0];
    await writeFile(file('mask.png'), encodePng({ width: 2, height: 2, channels: 1, data: values }));
    expect(Array.from((await readLabelImage(file('mask.png'))).data)).toEqual(values);
    await writeFile(
      file('mask-rgb.png'),
      encodePng({ width: 2, height: 2, channels: 3, data: values.flatMap((value) => [value, value, value]) }),
    );
    const fromRgb = await readLabelImage(file('mask-rgb.png'));
    expect(fromRgb.kind).toBe('gray');
    expect(Array.from(fromRgb.data)).toEqual(values);
  });

  it('packs the colours of an RGB(A) colour mask as 0xRRGGBB', async () => {
    const rgba = [255, 0, 0, 255, 0, 128, 0, 10, 0, 0, 0, 255, 1, 2, 3, 0];
    await writeFile(file('colours.png'), encodePng({ width: 2, height: 2, channels: 4, data: rgba }));
    const labels = await readLabelImage(file('colours.png'));
    expect(labels.kind).toBe('colour');
    expect(Array.from(labels.data)).toEqual([0xff0000, 0x008000, 0x000000, 0x010203]);
    // The same through sharp's path (an 8-bit RGB TIFF).
    await writeFile(
      file('colours.tif'),
      await sharp(Buffer.from([255, 0, 0, 0, 128, 0, 0, 0, 0, 1, 2, 3]), { raw: { width: 2, height: 2, channels: 3 } })
        .tiff({ compression: 'lzw' })
        .toBuffer(),
    );
    expect(Array.from((await readLabelImage(file('colours.tif'))).data)).toEqual([0xff0000, 0x008000, 0x000000, 0x010203]);
  });

  it('reads one page of a multi-page label stack', async () => {
    const pages = [0, 0, 255, 255, 255, 0, 0, 255];
    await writeFile(
      file('labels.tif'),
      await sharp(Buffer.from(pages), { raw: { width: 2, height: 4, channels: 1, pageHeight: 2 } })
        .toColourspace('b-w')
        .tiff({ compression: 'deflate' })
        .toBuffer(),
    );
    expect(Array.from((await readLabelImage(file('labels.tif'), { page: 1 })).data)).toEqual([255, 0, 0, 255]);
  });

  it('refuses a JPEG mask, saying to export it as PNG', async () => {
    await writeFile(
      file('mask.jpg'),
      await sharp(Buffer.from([0, 255, 255, 0]), { raw: { width: 2, height: 2, channels: 1 } })
        .jpeg()
        .toBuffer(),
    );
    await expect(readLabelImage(file('mask.jpg'))).rejects.toBeInstanceOf(UnsupportedImageError);
    await expect(readLabelImage(file('mask.jpg'))).rejects.toThrow(/mask\.jpg: masks must be stored losslessly.*PNG/);
  });
});
