import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DatasetLayoutError,
  DatasetOptionError,
  MaskValueError,
  MissingFileError,
  PathEscapeError,
  SizeMismatchError,
} from '../../errors.js';
import { encodePng } from '../../readers/png_encode.js';
import { vocColourMap } from './colour_map.js';
import { VOC_CLASS_NAMES, loadVocDataset } from './voc.js';

const width = 6;
const height = 4;
// A person (15) on a bicycle (2), each ringed by void (255), as VOC's annotators drew them.
const masks: Record<string, number[]> = {
  '2007_000032': [0, 255, 255, 255, 0, 0, 0, 255, 15, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0, 255, 2, 255],
  '2007_000039': [0, 0, 0, 0, 0, 0, 0, 255, 255, 0, 0, 0, 0, 255, 20, 255, 0, 0, 0, 0, 255, 0, 0, 0],
  '2007_000063': new Array(width * height).fill(0).map((_, index) => (index % 5 === 0 ? 255 : 8)),
};

let scratch: string;

/** Writes a VOC 2012 tree under `root`; `edit` changes it before the files are written. */
async function writeVoc(
  root: string,
  edit: (tree: { masks: Record<string, Buffer>; splits: Record<string, string> }) => void = () => {},
): Promise<string> {
  const base = path.join(root, 'VOCdevkit', 'VOC2012');
  await mkdir(path.join(base, 'JPEGImages'), { recursive: true });
  await mkdir(path.join(base, 'SegmentationClass'), { recursive: true });
  await mkdir(path.join(base, 'ImageSets', 'Segmentation'), { recursive: true });
  const tree = {
    masks: Object.fromEntries(
      Object.entries(masks).map(([id, indices]) => [id, encodePng({ width, height, channels: 1, data: indices, palette: vocColourMap() })]),
    ),
    splits: { train: '2007_000032\n2007_000039\n', val: '2007_000063\n', trainval: '2007_000032\n2007_000039\n2007_000063\n' } as Record<
      string,
      string
    >,
  };
  edit(tree);
  for (const id of Object.keys(masks)) {
    const pixels = Buffer.from(Array.from({ length: width * height * 3 }, (_, index) => (index * 29) % 256));
    await writeFile(
      path.join(base, 'JPEGImages', `${id}.jpg`),
      await sharp(pixels, { raw: { width, height, channels: 3 } })
        .jpeg()
        .toBuffer(),
    );
  }
  for (const [id, png] of Object.entries(tree.masks)) await writeFile(path.join(base, 'SegmentationClass', `${id}.png`), png);
  for (const [split, text] of Object.entries(tree.splits))
    await writeFile(path.join(base, 'ImageSets', 'Segmentation', `${split}.txt`), text);
  return base;
}

let good: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'unet-voc-'));
  good = path.join(scratch, 'good');
  await writeVoc(good);
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('loadVocDataset', () => {
  it('reads the train split: 21 classes, void kept as ignore label 255, RGB images in [0, 1]', async () => {
    const dataset = await loadVocDataset({ format: 'voc', root: good });
    expect(dataset.size).toBe(2);
    expect(dataset.ids).toEqual(['2007_000032', '2007_000039']);
    expect(dataset.classNames).toEqual(VOC_CLASS_NAMES);
    expect(dataset.classNames[15]).toBe('person');
    expect(dataset.ignoreLabel).toBe(255);
    expect(dataset.channels).toBe(3);
    const sample = await dataset.get(0);
    expect(sample.id).toBe('2007_000032');
    expect([sample.image.height, sample.image.width, sample.image.channels]).toEqual([height, width, 3]);
    expect(sample.image.data).toBeInstanceOf(Float32Array);
    expect(Math.min(...sample.image.data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...sample.image.data)).toBeLessThanOrEqual(1);
    expect(sample.mask.data).toBeInstanceOf(Int32Array);
    expect(Array.from(sample.mask.data)).toEqual(masks['2007_000032']);
    const seen: string[] = [];
    for await (const each of dataset) seen.push(each.id);
    expect(seen).toEqual(['2007_000032', '2007_000039']);
  });

  it('accepts the root at VOCdevkit or at VOC2012, and other splits', async () => {
    expect((await loadVocDataset({ format: 'voc', root: path.join(good, 'VOCdevkit') })).size).toBe(2);
    const val = await loadVocDataset({ format: 'voc', root: path.join(good, 'VOCdevkit', 'VOC2012'), split: 'val' });
    expect(val.ids).toEqual(['2007_000063']);
    expect(Array.from((await val.get(0)).mask.data)).toEqual(masks['2007_000063']);
    expect((await loadVocDataset({ format: 'voc', root: good, split: 'trainval', ids: ['2007_000063'] })).ids).toEqual(['2007_000063']);
  });

  it('follows a VOCdevkit folder linked in from elsewhere: the user chose it (files linking out of VOC2012 are refused, below)', async () => {
    const home = path.join(scratch, 'linked-devkit');
    await mkdir(home);
    await symlink(path.join(good, 'VOCdevkit'), path.join(home, 'VOCdevkit'));
    expect((await loadVocDataset({ format: 'voc', root: home })).size).toBe(2);
  });

  it('binary mode makes every object class 1 and leaves void at 255', async () => {
    const dataset = await loadVocDataset({ format: 'voc', root: good, mode: 'binary' });
    expect(dataset.classNames).toEqual(['background', 'object']);
    const expected = masks['2007_000032']!.map((value) => (value === 255 ? 255 : value > 0 ? 1 : 0));
    expect(Array.from((await dataset.get(0)).mask.data)).toEqual(expected);
  });

  it('maps a mask re-saved as RGB back to class ids through the VOC colour map', async () => {
    const root = path.join(scratch, 'rgb');
    const colours = vocColourMap();
    await writeVoc(root, (tree) => {
      const rgb = masks['2007_000032']!.flatMap((index) => Array.from(colours.subarray(index * 3, index * 3 + 3)));
      tree.masks['2007_000032'] = encodePng({ width, height, channels: 3, data: rgb });
    });
    expect(Array.from((await (await loadVocDataset({ format: 'voc', root })).get(0)).mask.data)).toEqual(masks['2007_000032']);
  });

  it('a split file naming an id without files gives MissingFileError naming the split file and the id', async () => {
    const root = path.join(scratch, 'missing-id');
    await writeVoc(root, (tree) => {
      tree.splits.train = '2007_000032\n2007_999999\n';
    });
    const load = loadVocDataset({ format: 'voc', root });
    await expect(load).rejects.toBeInstanceOf(MissingFileError);
    await expect(loadVocDataset({ format: 'voc', root })).rejects.toThrow(/2007_999999\.jpg: missing .*train\.txt names id '2007_999999'/);
  });

  it('a missing mask is named, with the fix', async () => {
    const root = path.join(scratch, 'missing-mask');
    await writeVoc(root, (tree) => {
      delete tree.masks['2007_000039'];
    });
    await expect(loadVocDataset({ format: 'voc', root })).rejects.toThrow(
      /SegmentationClass\/2007_000039\.png: missing .*has no mask; restore/,
    );
  });

  it("refuses a split line that leads out of the root ('../../etc/passwd') and a symlinked mask pointing outside", async () => {
    const root = path.join(scratch, 'escape');
    await writeVoc(root, (tree) => {
      tree.splits.train = '2007_000032\n../../../../../../etc/passwd\n';
    });
    await expect(loadVocDataset({ format: 'voc', root })).rejects.toBeInstanceOf(PathEscapeError);
    await expect(loadVocDataset({ format: 'voc', root })).rejects.toThrow(
      /train\.txt: '\.\.\/\.\.\/.*passwd\.jpg' leads out of the data set root/,
    );

    const linked = path.join(scratch, 'linked');
    const base = await writeVoc(linked, (tree) => {
      delete tree.masks['2007_000039'];
    });
    const outside = path.join(scratch, 'outside.png');
    await writeFile(outside, encodePng({ width, height, channels: 1, data: masks['2007_000039']!, palette: vocColourMap() }));
    await symlink(outside, path.join(base, 'SegmentationClass', '2007_000039.png'));
    await expect(loadVocDataset({ format: 'voc', root: linked })).rejects.toThrow(
      /2007_000039\.png: is a link to .*outside\.png, outside the data set root/,
    );
  });

  it('a mask value outside 0..20 and 255 gives MaskValueError naming the file, the value and where it is', async () => {
    const root = path.join(scratch, 'bad-value');
    await writeVoc(root, (tree) => {
      const indices = [...masks['2007_000039']!];
      indices[7] = 40;
      tree.masks['2007_000039'] = encodePng({ width, height, channels: 1, data: indices, palette: vocColourMap() });
    });
    const dataset = await loadVocDataset({ format: 'voc', root });
    await expect(dataset.get(1)).rejects.toBeInstanceOf(MaskValueError);
    await expect(dataset.get(1)).rejects.toThrow(/2007_000039\.png: value 40 at row 1, column 1 is not a VOC class/);
  });

  it('an image and mask of different sizes give SizeMismatchError', async () => {
    const root = path.join(scratch, 'size');
    await writeVoc(root, (tree) => {
      tree.masks['2007_000032'] = encodePng({ width: 5, height: 4, channels: 1, data: new Array(20).fill(0), palette: vocColourMap() });
    });
    const dataset = await loadVocDataset({ format: 'voc', root });
    await expect(dataset.get(0)).rejects.toBeInstanceOf(SizeMismatchError);
    await expect(dataset.get(0)).rejects.toThrow(/2007_000032\.png: is 5x4 but its image .*2007_000032\.jpg is 6x4/);
  });

  it('names the available splits for an unknown one, the allowed options for an unknown option, and the layout when it is absent', async () => {
    await expect(loadVocDataset({ format: 'voc', root: good, split: 'test' })).rejects.toThrow(
      /test\.txt: split file missing; the splits here are .*'train'/,
    );
    await expect(loadVocDataset({ format: 'voc', root: good, spilt: 'val' } as never)).rejects.toThrow(
      new DatasetOptionError("loadDataset voc: unknown option 'spilt'; the options are 'split', 'mode', 'ids'."),
    );
    await expect(loadVocDataset({ format: 'voc', root: good, mode: 'multi' as never })).rejects.toThrow(
      /option 'mode' must be one of "classes", "binary"/,
    );
    await mkdir(path.join(scratch, 'empty'), { recursive: true });
    await expect(loadVocDataset({ format: 'voc', root: path.join(scratch, 'empty') })).rejects.toBeInstanceOf(DatasetLayoutError);
    await expect(loadVocDataset({ format: 'voc', root: path.join(scratch, 'nowhere') })).rejects.toThrow(
      /nowhere: the VOC data set's root is missing/,
    );
  });
});
