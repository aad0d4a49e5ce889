import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createTiledTiffWriter, TiledTiffError } from './tiled_tiff_writer.js';

const work = mkdtempSync(path.join(tmpdir(), 'unet-tiff-'));

async function readBack(file: string, sixteen = false) {
  const { data, info } = await sharp(file)
    .toColourspace(sixteen ? 'grey16' : 'b-w')
    .raw({ depth: sixteen ? 'ushort' : 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return { data: sixteen ? new Uint16Array(data.buffer, data.byteOffset, data.length / 2) : new Uint8Array(data), info };
}

describe('createTiledTiffWriter', () => {
  it('writes rows in bands of any height into a tiled BigTIFF that libvips reads back unchanged (edge tiles cut)', async () => {
    const [width, height] = [83, 50];
    const pixels = Uint8Array.from({ length: width * height }, (_, index) => (index * 7 + (index >> 5)) % 256);
    const file = path.join(work, 'mask.tif');
    const writer = await createTiledTiffWriter(file, { width, height, bitsPerSample: 8, tileSize: 32 });
    for (const [top, rows] of [
      [0, 7],
      [7, 30],
      [37, 13],
    ] as const)
      await writer.writeRows(pixels.subarray(top * width, (top + rows) * width), rows);
    expect(existsSync(file)).toBe(false);
    await writer.close();
    const metadata = await sharp(file).metadata();
    expect(metadata).toMatchObject({ format: 'tiff', width, height, channels: 1, depth: 'uchar' });
    const { data } = await readBack(file);
    expect(Buffer.from(data).equals(Buffer.from(pixels))).toBe(true);
    expect(readdirSync(work).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('writes 16-bit samples, and one tile alone', async () => {
    const pixels = Uint16Array.from({ length: 20 * 10 }, (_, index) => index * 300);
    const file = path.join(work, 'wide.tif');
    const writer = await createTiledTiffWriter(file, { width: 20, height: 10, bitsPerSample: 16, tileSize: 32 });
    await writer.writeRows(pixels, 10);
    await writer.close();
    const { data, info } = await readBack(file, true);
    expect([info.width, info.height]).toEqual([20, 10]);
    expect(Array.from(data)).toEqual(Array.from(pixels));
  });

  it('refuses a close before every row is written, and aborts without leaving a file', async () => {
    const file = path.join(work, 'short.tif');
    const writer = await createTiledTiffWriter(file, { width: 16, height: 16, bitsPerSample: 8, tileSize: 16 });
    await writer.writeRows(new Uint8Array(16 * 4), 4);
    await expect(writer.close()).rejects.toThrow(TiledTiffError);
    await expect(writer.close()).rejects.toThrow(/4 of 16 rows written/);
    await writer.abort();
    expect(readdirSync(work).filter((name) => name.startsWith('short'))).toEqual([]);
    await expect(createTiledTiffWriter(file, { width: 16, height: 16, bitsPerSample: 8, tileSize: 20 })).rejects.toThrow(/multiple of 16/);
  });
});
