import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetLayoutError, DatasetOptionError, MissingFileError, SizeMismatchError } from '../../errors.js';
import { loadCtcDataset } from './ctc.js';

const width = 4;
const height = 3;
const frame = (number: number) => Array.from({ length: width * height }, (_, index) => (index * 17 + number * 30) % 256);
// Silver truth: three cells, one id above 255 so that an 8-bit read would show.
const silver = (number: number) => [0, 1, 1, 0, 0, 2, 2, 0, 700, 700, 0, number];
// Gold truth: one hand-drawn cell, different from the silver one so the tests see which was read.
const gold = (number: number) => [5, 5, 0, 0, 5, 5, 0, 0, 0, 0, 0, number];

let scratch: string;
let root: string;

async function tiff(file: string, values: number[], sixteen: boolean, size = { width, height }): Promise<void> {
  const pixels = sixteen ? Uint16Array.from(values) : Buffer.from(values);
  await writeFile(
    file,
    await sharp(pixels, { raw: { ...size, channels: 1 } })
      .toColourspace(sixteen ? 'grey16' : 'b-w')
      .tiff({ compression: 'lzw' })
      .toBuffer(),
  );
}

async function writeSequence(dataset: string, frames: number[], silverFrames: number[], goldFrames: number[]): Promise<void> {
  for (const folder of ['01', '01_ST/SEG', '01_GT/SEG']) await mkdir(path.join(dataset, folder), { recursive: true });
  const name = (number: number) => String(number).padStart(3, '0');
  for (const number of frames) await tiff(path.join(dataset, '01', `t${name(number)}.tif`), frame(number), false);
  for (const number of silverFrames) await tiff(path.join(dataset, '01_ST', 'SEG', `man_seg${name(number)}.tif`), silver(number), true);
  for (const number of goldFrames) await tiff(path.join(dataset, '01_GT', 'SEG', `man_seg${name(number)}.tif`), gold(number), true);
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'unet-ctc-'));
  root = path.join(scratch, 'DIC-C2DH-HeLa');
  await writeSequence(root, [0, 1, 2, 3], [0, 1, 2, 3], [1, 3]);
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('loadCtcDataset', () => {
  it('auto truth takes gold where a frame has it and silver elsewhere; instances stay 16-bit exact, the mask is 0/1 with touching cells parted', async () => {
    const dataset = await loadCtcDataset({ format: 'ctc', root });
    expect(dataset.ids).toEqual(['01/t000', '01/t001', '01/t002', '01/t003']);
    expect(dataset.classNames).toEqual(['background', 'cell']);
    expect(dataset.channels).toBe(1);
    const first = await dataset.get(0);
    expect(Array.from(first.image.data)).toEqual(frame(0).map((value) => Math.fround(value / 255)));
    expect(first.instances!.data).toBeInstanceOf(Int32Array);
    expect(Array.from(first.instances!.data)).toEqual(silver(0));
    // In this 3 x 4 frame every pixel of the three cells touches another cell (8-neighbours), so
    // the separation borders between touching cells take them all.
    expect(Array.from(first.mask.data)).toEqual(new Array(12).fill(0));
    // Gold frame 1: a cell of 5s and a one-pixel cell that touch nothing keep their pixels.
    expect(Array.from((await dataset.get(1)).mask.data)).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1]);
    expect(Array.from((await dataset.get(1)).instances!.data)).toEqual(gold(1));
    expect(Array.from((await dataset.get(2)).instances!.data)).toEqual(silver(2));
  });

  it("'gold' reads only the annotated frames, 'silver' every frame, 'frames' a chosen few", async () => {
    const goldOnly = await loadCtcDataset({ format: 'ctc', root, truth: 'gold' });
    expect(goldOnly.ids).toEqual(['01/t001', '01/t003']);
    expect(Array.from((await goldOnly.get(1)).instances!.data)).toEqual(gold(3));
    const silverOnly = await loadCtcDataset({ format: 'ctc', root, truth: 'silver', sequences: ['01'] });
    expect(silverOnly.size).toBe(4);
    expect(Array.from((await silverOnly.get(1)).instances!.data)).toEqual(silver(1));
    const chosen = await loadCtcDataset({ format: 'ctc', root, truth: 'silver', frames: [2, 0] });
    expect(chosen.ids).toEqual(['01/t000', '01/t002']);
    await expect(loadCtcDataset({ format: 'ctc', root, truth: 'gold', frames: [0, 1] })).rejects.toThrow(/frames 0 have no gold truth/);
  });

  it('truth for a frame that does not exist gives MissingFileError naming the truth file', async () => {
    const dataset = path.join(scratch, 'missing-frame');
    await writeSequence(dataset, [0], [0, 1], []);
    await expect(loadCtcDataset({ format: 'ctc', root: dataset })).rejects.toBeInstanceOf(MissingFileError);
    await expect(loadCtcDataset({ format: 'ctc', root: dataset })).rejects.toThrow(
      /man_seg001\.tif: truth for frame 1, but .*01 has no t001\.tif/,
    );
  });

  it('a truth image of another size than its frame gives SizeMismatchError', async () => {
    const dataset = path.join(scratch, 'size');
    await writeSequence(dataset, [0], [], []);
    await tiff(path.join(dataset, '01_ST', 'SEG', 'man_seg000.tif'), [0, 1, 1, 0, 0, 2], true, { width: 3, height: 2 });
    await expect((await loadCtcDataset({ format: 'ctc', root: dataset })).get(0)).rejects.toBeInstanceOf(SizeMismatchError);
  });

  it('no truth at all, no sequences, an unknown sequence or option give typed errors that say what exists', async () => {
    const bare = path.join(scratch, 'bare');
    await writeSequence(bare, [0, 1], [], []);
    await expect(loadCtcDataset({ format: 'ctc', root: bare })).rejects.toBeInstanceOf(DatasetLayoutError);
    await expect(loadCtcDataset({ format: 'ctc', root: bare, truth: 'gold' })).rejects.toThrow(
      /no frame has gold segmentation truth.*try truth: 'silver'/,
    );
    await mkdir(path.join(scratch, 'nothing'));
    await expect(loadCtcDataset({ format: 'ctc', root: path.join(scratch, 'nothing') })).rejects.toThrow(/no sequence folders/);
    await expect(loadCtcDataset({ format: 'ctc', root, sequences: ['02'] })).rejects.toThrow(
      new DatasetOptionError(`loadDataset ctc: sequence '02' is not a folder of ${await realpath(root)}; the sequences there are '01'.`),
    );
    await expect(loadCtcDataset({ format: 'ctc', root, truth: 'bronze' as never })).rejects.toThrow(
      /option 'truth' must be one of "gold", "silver", "auto", got "bronze"/,
    );
  });
});
