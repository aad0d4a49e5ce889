import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodePng, readImage } from '@unet/data/node';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { imageSize, openImageRegions } from './image_regions.js';

const work = mkdtempSync(path.join(tmpdir(), 'unet-regions-'));
const [width, height] = [70, 45];
const gray = Uint8Array.from({ length: width * height }, (_, index) => (index * 37) % 251);
const colour = Uint8Array.from({ length: width * height * 3 }, (_, index) => (index * 13) % 256);

async function files(): Promise<Record<string, string>> {
  const written: Record<string, string> = {};
  written.png = path.join(work, 'gray.png');
  writeFileSync(written.png, encodePng({ width, height, channels: 1, data: gray }));
  written.png16 = path.join(work, 'gray16.png');
  writeFileSync(
    written.png16,
    encodePng({ width, height, channels: 1, bitDepth: 16, data: Uint16Array.from(gray, (value) => value * 257 + 3) }),
  );
  written.tiledTiff = path.join(work, 'gray.tif');
  await sharp(Buffer.from(gray), { raw: { width, height, channels: 1 } })
    .tiff({ tile: true, tileWidth: 16, tileHeight: 16, bigtiff: true })
    .toFile(written.tiledTiff);
  written.colourJpeg = path.join(work, 'colour.jpg');
  await sharp(Buffer.from(colour), { raw: { width, height, channels: 3 } })
    .jpeg()
    .toFile(written.colourJpeg);
  return written;
}

describe('openImageRegions', () => {
  it('reads bands equal to the same rows of readImage, for PNG (8- and 16-bit), tiled BigTIFF and colour JPEG made gray or kept colour', async () => {
    const written = await files();
    for (const [kind, file] of Object.entries(written)) {
      for (const channels of [1, 3] as const) {
        const whole = await readImage(file, { channels });
        const regions = await openImageRegions(file, channels);
        expect([regions.width, regions.height], kind).toEqual([width, height]);
        for (const [top, rows] of [
          [0, 10],
          [10, 1],
          [11, 34],
        ] as const) {
          const band = await regions.readRows(top, rows);
          expect(
            Buffer.from(band.buffer).equals(Buffer.from(whole.data.buffer, top * width * channels * 4, rows * width * channels * 4)),
            `${kind} ${channels} rows ${top}+${rows}`,
          ).toBe(true);
        }
      }
    }
  });

  it("reads an image's size and sample depth from its header (imageSize)", async () => {
    const written = await files();
    expect(await imageSize(written.png!)).toEqual({ width, height, pages: 1, sixteenBit: false });
    expect(await imageSize(written.png16!)).toEqual({ width, height, pages: 1, sixteenBit: true });
  });

  it('says which file is missing or corrupt', async () => {
    await expect(imageSize(path.join(work, 'none.tif'))).rejects.toThrow(/none.tif: no such file/);
    writeFileSync(path.join(work, 'bad.tif'), 'II*\u0000 not a tiff');
    await expect(imageSize(path.join(work, 'bad.tif'))).rejects.toThrow(/bad.tif: cannot be decoded/);
  });
});
