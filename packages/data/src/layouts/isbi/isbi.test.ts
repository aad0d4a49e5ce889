import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetLayoutError, DatasetOptionError, MaskValueError, MissingFileError, SizeMismatchError } from '../../errors.js';
import { encodePng } from '../../readers/png_encode.js';
import { loadIsbiDataset } from './isbi.js';

const width = 5;
const height = 4;
const pageCount = 3;
// Label files as the challenge stores them: 0 = membrane, 255 = cell interior. Page p has a
// vertical membrane at column p + 1 splitting the slice into two cells (none on the last page, whose
// membrane is the left border column).
const labelPage = (page: number) =>
  Array.from({ length: width * height }, (_, index) => (index % width === page + 1 || (page === 2 && index % width === 0) ? 0 : 255));
const imagePage = (page: number) => Array.from({ length: width * height }, (_, index) => (index * 11 + page * 40) % 256);

let scratch: string;
let stackRoot: string;
let folderRoot: string;

async function writeStack(file: string, pages: number[][], pageHeight = height): Promise<void> {
  await writeFile(
    file,
    await sharp(Buffer.from(pages.flat()), { raw: { width, height: pageHeight * pages.length, channels: 1, pageHeight } })
      .toColourspace('b-w')
      .tiff({ compression: 'lzw' })
      .toBuffer(),
  );
}

async function writeFolders(root: string, count = pageCount, label = labelPage): Promise<void> {
  await mkdir(path.join(root, 'train', 'image'), { recursive: true });
  await mkdir(path.join(root, 'train', 'label'), { recursive: true });
  for (let page = 0; page < count; page++) {
    const name = `${String(page).padStart(2, '0')}.png`;
    await writeFile(path.join(root, 'train', 'image', name), encodePng({ width, height, channels: 1, data: imagePage(page) }));
    await writeFile(path.join(root, 'train', 'label', name), encodePng({ width, height, channels: 1, data: label(page) }));
  }
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'unet-isbi-'));
  stackRoot = path.join(scratch, 'stack');
  await mkdir(stackRoot);
  const pages = Array.from({ length: pageCount }, (_, page) => page);
  await writeStack(path.join(stackRoot, 'train-volume.tif'), pages.map(imagePage));
  await writeStack(path.join(stackRoot, 'train-labels.tif'), pages.map(labelPage));
  folderRoot = path.join(scratch, 'folders');
  await writeFolders(folderRoot);
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('loadIsbiDataset', () => {
  it('reads the multi-page TIFF stacks: one gray channel in [0, 1], membrane (file value 0) as class 1', async () => {
    const dataset = await loadIsbiDataset({ format: 'isbi', root: stackRoot });
    expect(dataset.size).toBe(pageCount);
    expect(dataset.ids).toEqual(['00', '01', '02']);
    expect(dataset.classNames).toEqual(['cell', 'membrane']);
    expect(dataset.channels).toBe(1);
    expect(dataset.ignoreLabel).toBeUndefined();
    for (let page = 0; page < pageCount; page++) {
      const sample = await dataset.get(page);
      expect([sample.image.height, sample.image.width, sample.image.channels]).toEqual([height, width, 1]);
      expect(Array.from(sample.image.data)).toEqual(imagePage(page).map((value) => Math.fround(value / 255)));
      expect(Array.from(sample.mask.data)).toEqual(labelPage(page).map((value) => (value === 0 ? 1 : 0)));
    }
  });

  it('reads the per-slice folders to the same samples as the stacks', async () => {
    const fromFolders = await loadIsbiDataset({ format: 'isbi', root: folderRoot });
    const fromStack = await loadIsbiDataset({ format: 'isbi', root: stackRoot, form: 'stack' });
    expect(fromFolders.ids).toEqual(fromStack.ids);
    for (let index = 0; index < pageCount; index++) {
      const [a, b] = [await fromFolders.get(index), await fromStack.get(index)];
      expect(Array.from(a.image.data)).toEqual(Array.from(b.image.data));
      expect(Array.from(a.mask.data)).toEqual(Array.from(b.mask.data));
    }
  });

  it('picks slices by number or by id, so training and validation can split the volume', async () => {
    const train = await loadIsbiDataset({ format: 'isbi', root: stackRoot, slices: [0, 1] });
    const validation = await loadIsbiDataset({ format: 'isbi', root: folderRoot, ids: ['02'] });
    expect(train.ids).toEqual(['00', '01']);
    expect(validation.ids).toEqual(['02']);
    expect(Array.from((await validation.get(0)).mask.data)).toEqual(labelPage(2).map((value) => (value === 0 ? 1 : 0)));
    await expect(loadIsbiDataset({ format: 'isbi', root: stackRoot, slices: [2, 3] })).rejects.toThrow(
      /slices 3 do not exist; .* has 3 slices, 0\.\.2/,
    );
    await expect(loadIsbiDataset({ format: 'isbi', root: stackRoot, ids: ['07'] })).rejects.toThrow(
      /ids 07 do not exist; the slices are 00\.\.02/,
    );
    await expect(loadIsbiDataset({ format: 'isbi', root: stackRoot, ids: ['00'], slices: [0] })).rejects.toBeInstanceOf(DatasetOptionError);
  });

  it('gives the cells as 4-connected components of the interior when asked', async () => {
    const dataset = await loadIsbiDataset({ format: 'isbi', root: stackRoot, instances: true });
    // Page 0: membrane at column 1 -> cells are column 0 and columns 2..4.
    const first = await dataset.get(0);
    expect(Array.from(first.instances!.data)).toEqual(Array.from({ length: width * height }, (_, index) => [1, 0, 2, 2, 2][index % width]));
    // Page 2: membranes at columns 0 and 3 -> cells are columns 1..2 and column 4.
    const last = await dataset.get(2);
    expect(Array.from(last.instances!.data)).toEqual(Array.from({ length: width * height }, (_, index) => [0, 1, 1, 0, 2][index % width]));
    expect((await (await loadIsbiDataset({ format: 'isbi', root: stackRoot })).get(0)).instances).toBeUndefined();
  });

  it('a label value other than 0 and 255 gives MaskValueError naming the file and page', async () => {
    const root = path.join(scratch, 'gray-label');
    await mkdir(root);
    await writeStack(path.join(root, 'train-volume.tif'), [imagePage(0), imagePage(1)]);
    await writeStack(path.join(root, 'train-labels.tif'), [labelPage(0), labelPage(1).map((value, index) => (index === 6 ? 128 : value))]);
    const dataset = await loadIsbiDataset({ format: 'isbi', root });
    await expect(dataset.get(0)).resolves.toBeDefined();
    await expect(dataset.get(1)).rejects.toBeInstanceOf(MaskValueError);
    await expect(dataset.get(1)).rejects.toThrow(
      /train-labels\.tif page 1: value 128 at row 1, column 1; ISBI labels hold only 0 \(membrane\) and 255/,
    );
  });

  it('stacks with different page counts, a slice without a label and a missing layout give typed errors', async () => {
    const pagesRoot = path.join(scratch, 'pages');
    await mkdir(pagesRoot);
    await writeStack(path.join(pagesRoot, 'train-volume.tif'), [imagePage(0), imagePage(1)]);
    await writeStack(path.join(pagesRoot, 'train-labels.tif'), [labelPage(0)]);
    await expect(loadIsbiDataset({ format: 'isbi', root: pagesRoot })).rejects.toBeInstanceOf(SizeMismatchError);
    await expect(loadIsbiDataset({ format: 'isbi', root: pagesRoot })).rejects.toThrow(
      /train-labels\.tif: has 1 pages but .*train-volume\.tif has 2/,
    );

    const unlabelled = path.join(scratch, 'unlabelled');
    await writeFolders(unlabelled, 2);
    await writeFile(path.join(unlabelled, 'train', 'image', '02.png'), encodePng({ width, height, channels: 1, data: imagePage(2) }));
    await expect(loadIsbiDataset({ format: 'isbi', root: unlabelled })).rejects.toBeInstanceOf(MissingFileError);
    await expect(loadIsbiDataset({ format: 'isbi', root: unlabelled })).rejects.toThrow(/image\/02\.png: no label for this slice/);

    const noStackLabels = path.join(scratch, 'volume-only');
    await mkdir(noStackLabels);
    await writeStack(path.join(noStackLabels, 'train-volume.tif'), [imagePage(0)]);
    await expect(loadIsbiDataset({ format: 'isbi', root: noStackLabels })).rejects.toThrow(/train-labels\.tif: missing/);

    await expect(loadIsbiDataset({ format: 'isbi', root: scratch })).rejects.toBeInstanceOf(DatasetLayoutError);
    await expect(loadIsbiDataset({ format: 'isbi', root: stackRoot, split: 'test' as never })).rejects.toThrow(
      /option 'split' must be one of "train"/,
    );
    await expect(loadIsbiDataset({ format: 'isbi', root: stackRoot, slice: [1] } as never)).rejects.toThrow(
      /unknown option 'slice'; the options are 'split', 'form', 'slices', 'ids', 'instances'/,
    );
  });
});
