import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CorruptFileError,
  DatasetLayoutError,
  DatasetOptionError,
  MaskValueError,
  MissingFileError,
  PathEscapeError,
  SizeMismatchError,
} from '../../errors.js';
import { encodePng } from '../../readers/png_encode.js';
import { loadFolderDataset } from './folder.js';

const width = 4;
const height = 3;
const rgbImage = (seed: number) =>
  encodePng({ width, height, channels: 3, data: Array.from({ length: width * height * 3 }, (_, index) => (index * 7 + seed * 50) % 256) });
const grayMask = (values: number[]) => encodePng({ width, height, channels: 1, data: values });
// Two blobs of 255 on 0, as binary masks are usually saved.
const maskA = [0, 255, 255, 0, 0, 255, 0, 0, 0, 0, 0, 255];
const maskB = [255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

let scratch: string;

/** Writes `files` (relative path -> bytes) under a new folder. */
async function writeTree(name: string, files: Record<string, Buffer>): Promise<string> {
  const root = path.join(scratch, name);
  for (const [relative, bytes] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
    await writeFile(path.join(root, relative), bytes);
  }
  return root;
}

let binaryRoot: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'unet-folder-'));
  binaryRoot = await writeTree('binary', {
    'images/a.png': rgbImage(1),
    'images/b.jpg': await sharp(Buffer.alloc(width * height * 3, 90), { raw: { width, height, channels: 3 } })
      .jpeg()
      .toBuffer(),
    'masks/a.png': grayMask(maskA),
    'masks/b.png': grayMask(maskB),
  });
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('loadFolderDataset', () => {
  it('maps 0/255 masks to classes 0/1 and returns the mapping [0, 255]', async () => {
    const dataset = await loadFolderDataset({ format: 'folder', root: binaryRoot });
    expect(dataset.ids).toEqual(['a', 'b']);
    expect(dataset.labelMapping).toEqual({ values: [0, 255] });
    expect(dataset.classNames).toEqual(['0', '255']);
    expect(dataset.channels).toBe(3);
    expect(dataset.ignoreLabel).toBeUndefined();
    const a = await dataset.get(0);
    expect(Array.from(a.mask.data)).toEqual(maskA.map((value) => (value === 255 ? 1 : 0)));
    expect([a.image.height, a.image.width, a.image.channels]).toEqual([height, width, 3]);
    expect(Array.from((await dataset.get(1)).mask.data)).toEqual(maskB.map((value) => (value === 255 ? 1 : 0)));
  });

  it('takes declared labelValues and classNames, and refuses a mask value outside them', async () => {
    const dataset = await loadFolderDataset({
      format: 'folder',
      root: binaryRoot,
      labelValues: [255, 0],
      classNames: ['cell', 'background'],
    });
    expect(dataset.classNames).toEqual(['cell', 'background']);
    expect(Array.from((await dataset.get(0)).mask.data)).toEqual(maskA.map((value) => (value === 255 ? 0 : 1)));
    const strict = await loadFolderDataset({ format: 'folder', root: binaryRoot, labelValues: [0, 1] });
    await expect(strict.get(0)).rejects.toBeInstanceOf(MaskValueError);
    await expect(strict.get(0)).rejects.toThrow(
      /masks\/a\.png: value 255 at row 0, column 1 is not one of the classes' values \(0, 1\); fix the mask or add the value to labelValues/,
    );
    await expect(loadFolderDataset({ format: 'folder', root: binaryRoot, classNames: ['only one'] })).rejects.toThrow(
      /1 classNames for 2 mask values \(0, 255\)/,
    );
  });

  it('maps RGB colour masks by unique colour, ascending as 0xRRGGBB, and reads palette masks as indices', async () => {
    const black = [0, 0, 0];
    const red = [255, 0, 0];
    const green = [0, 128, 0];
    const colours = [black, red, red, green, black, black, green, green, red, black, black, black];
    const root = await writeTree('colour', {
      'image/x.png': rgbImage(2),
      'label/x.png': encodePng({ width, height, channels: 3, data: colours.flat() }),
    });
    const dataset = await loadFolderDataset({ format: 'folder', root });
    expect(dataset.labelMapping!.values).toEqual([0x000000, 0x008000, 0xff0000]);
    expect(dataset.classNames).toEqual(['#000000', '#008000', '#ff0000']);
    expect(Array.from((await dataset.get(0)).mask.data)).toEqual([0, 2, 2, 1, 0, 0, 1, 1, 2, 0, 0, 0]);

    const indices = [0, 3, 3, 0, 0, 7, 7, 0, 0, 0, 0, 3];
    const paletteRoot = await writeTree('palette', {
      'image/x.png': rgbImage(3),
      'label/x.png': encodePng({
        width,
        height,
        channels: 1,
        data: indices,
        palette: Array.from({ length: 8 * 3 }, (_, index) => index * 10),
      }),
    });
    const palette = await loadFolderDataset({ format: 'folder', root: paletteRoot });
    expect(palette.labelMapping!.values).toEqual([0, 3, 7]);
    expect(Array.from((await palette.get(0)).mask.data)).toEqual(indices.map((value) => [0, 3, 7].indexOf(value)));
  });

  it('keeps an ignoreValue as the ignore label 255, reads a split subfolder, a mask suffix, gray images as 3 channels, and instances', async () => {
    const root = await writeTree('split', {
      'train/images/cell1.png': encodePng({ width, height, channels: 1, data: new Array(width * height).fill(100) }),
      'train/masks/cell1_mask.png': grayMask([1, 1, 0, 2, 1, 0, 0, 2, 0, 0, 9, 9]),
    });
    const dataset = await loadFolderDataset({
      format: 'folder',
      root,
      split: 'train',
      maskSuffix: '_mask',
      ignoreValue: 9,
      channels: 3,
      instances: true,
    });
    expect(dataset.labelMapping!.values).toEqual([0, 1, 2]);
    expect(dataset.ignoreLabel).toBe(255);
    const sample = await dataset.get(0);
    expect(Array.from(sample.mask.data)).toEqual([1, 1, 0, 2, 1, 0, 0, 2, 0, 0, 255, 255]);
    expect(sample.image.channels).toBe(3);
    expect(Array.from(sample.instances!.data)).toEqual([1, 1, 0, 2, 1, 0, 0, 2, 0, 0, 0, 0]);
    await expect(loadFolderDataset({ format: 'folder', root, split: 'train' })).rejects.toThrow(
      /cell1\.png: no mask named cell1\.\* .*need maskSuffix: '_mask'/,
    );
  });

  it('an empty folder, a missing mask, a mask without image and mixed mask kinds are load-time errors naming the file', async () => {
    const empty = await writeTree('empty', { 'masks/.keep': Buffer.alloc(0), 'images/notes.txt': Buffer.from('no images here') });
    await expect(loadFolderDataset({ format: 'folder', root: empty })).rejects.toBeInstanceOf(DatasetLayoutError);
    await expect(loadFolderDataset({ format: 'folder', root: empty })).rejects.toThrow(/images: the folder holds no images/);
    const noMask = await writeTree('no-mask', { 'images/a.png': rgbImage(1), 'images/b.png': rgbImage(2), 'masks/a.png': grayMask(maskA) });
    await expect(loadFolderDataset({ format: 'folder', root: noMask })).rejects.toBeInstanceOf(MissingFileError);
    await expect(loadFolderDataset({ format: 'folder', root: noMask })).rejects.toThrow(/images\/b\.png: no mask named b\.\*/);
    const orphan = await writeTree('orphan', {
      'images/a.png': rgbImage(1),
      'masks/a.png': grayMask(maskA),
      'masks/z.png': grayMask(maskB),
    });
    await expect(loadFolderDataset({ format: 'folder', root: orphan })).rejects.toThrow(/masks\/z\.png: a mask without an image/);
    const mixed = await writeTree('mixed', {
      'images/a.png': rgbImage(1),
      'images/b.png': rgbImage(2),
      'masks/a.png': grayMask(maskA),
      'masks/b.png': encodePng({ width, height, channels: 3, data: maskB.flatMap((value) => [value, 0, 0]) }),
    });
    await expect(loadFolderDataset({ format: 'folder', root: mixed })).rejects.toThrow(
      /masks\/b\.png: a colour mask among gray\/palette masks/,
    );
    await expect(loadFolderDataset({ format: 'folder', root: path.join(scratch, 'binary', 'masks') })).rejects.toThrow(
      /no folder of images; expected one of image\/, images\//,
    );
  });

  it('a truncated mask fails the load-time scan and a truncated image fails get, each with CorruptFileError naming the file', async () => {
    const mask = grayMask(maskA);
    const cutMask = await writeTree('cut-mask', { 'images/a.png': rgbImage(1), 'masks/a.png': mask.subarray(0, mask.length - 20) });
    await expect(loadFolderDataset({ format: 'folder', root: cutMask })).rejects.toBeInstanceOf(CorruptFileError);
    await expect(loadFolderDataset({ format: 'folder', root: cutMask })).rejects.toThrow(/masks\/a\.png: not a readable PNG .*truncated/);
    const image = rgbImage(1);
    const cutImage = await writeTree('cut-image', { 'images/a.png': image.subarray(0, image.length - 20), 'masks/a.png': mask });
    const dataset = await loadFolderDataset({ format: 'folder', root: cutImage, labelValues: [0, 255] });
    await expect(dataset.get(0)).rejects.toBeInstanceOf(CorruptFileError);
    await expect(dataset.get(0)).rejects.toThrow(/images\/a\.png: cannot be decoded/);
  });

  it('refuses masks with hundreds of values (smoothed, not class masks) and a mask of the wrong size', async () => {
    const smooth = await writeTree('smooth', {
      'images/a.png': encodePng({ width: 20, height: 20, channels: 1, data: new Array(400).fill(0) }),
      'masks/a.png': encodePng({
        width: 20,
        height: 20,
        channels: 1,
        bitDepth: 16,
        data: Array.from({ length: 400 }, (_, index) => index * 100),
      }),
    });
    await expect(loadFolderDataset({ format: 'folder', root: smooth })).rejects.toThrow(
      /more than 255 distinct values.*nearest-neighbour, or pass labelValues/,
    );
    const size = await writeTree('size', {
      'images/a.png': rgbImage(1),
      'masks/a.png': encodePng({ width: 3, height: 3, channels: 1, data: new Array(9).fill(0) }),
    });
    await expect((await loadFolderDataset({ format: 'folder', root: size })).get(0)).rejects.toBeInstanceOf(SizeMismatchError);
  });

  it('refuses a symlink out of the root, a split that climbs out, and unknown options', async () => {
    const outside = path.join(scratch, 'secret.png');
    await writeFile(outside, rgbImage(9));
    const linked = await writeTree('linked', {
      'images/a.png': rgbImage(1),
      'masks/a.png': grayMask(maskA),
      'masks/b.png': grayMask(maskB),
    });
    await symlink(outside, path.join(linked, 'images', 'b.png'));
    await expect(loadFolderDataset({ format: 'folder', root: linked })).rejects.toBeInstanceOf(PathEscapeError);
    await expect(loadFolderDataset({ format: 'folder', root: linked })).rejects.toThrow(
      /images\/b\.png: is a link to .*secret\.png, outside the data set root/,
    );
    await expect(loadFolderDataset({ format: 'folder', root: binaryRoot, split: '../linked' })).rejects.toBeInstanceOf(PathEscapeError);
    await expect(loadFolderDataset({ format: 'folder', root: binaryRoot, labelvalues: [0, 255] } as never)).rejects.toThrow(
      new DatasetOptionError(
        "loadDataset folder: unknown option 'labelvalues'; the options are 'split', 'maskSuffix', 'labelValues', 'classNames', 'ignoreValue', 'channels', 'ids', 'instances'.",
      ),
    );
    await expect(loadFolderDataset({ format: 'folder', root: binaryRoot, channels: 2 as never })).rejects.toThrow(
      /option 'channels' must be one of 1, 3, got 2/,
    );
  });
});
