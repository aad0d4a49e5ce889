import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetOptionError } from '../errors.js';
import { encodePng } from '../readers/png_encode.js';
import { loadDataset } from './load_dataset.js';

let scratch: string;
let folderRoot: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'unet-load-'));
  folderRoot = path.join(scratch, 'folder');
  await mkdir(path.join(folderRoot, 'images'), { recursive: true });
  await mkdir(path.join(folderRoot, 'masks'), { recursive: true });
  await writeFile(path.join(folderRoot, 'images', 'a.png'), encodePng({ width: 2, height: 2, channels: 1, data: [0, 50, 100, 150] }));
  await writeFile(path.join(folderRoot, 'masks', 'a.png'), encodePng({ width: 2, height: 2, channels: 1, data: [0, 255, 255, 0] }));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('loadDataset', () => {
  it('dispatches on format and gives the same options back to a second call (as a worker thread would)', async () => {
    const options = { format: 'folder', root: folderRoot } as const;
    const first = await loadDataset(options);
    expect(first.name).toBe('folder folder');
    const again = await loadDataset(JSON.parse(JSON.stringify({ ...options, labelValues: first.labelMapping!.values })));
    expect(again.ids).toEqual(first.ids);
    expect(Array.from((await again.get(0)).mask.data)).toEqual([0, 1, 1, 0]);
  });

  it('names the formats for an unknown one, and asks for a root', async () => {
    await expect(loadDataset({ format: 'coco', root: scratch } as never)).rejects.toThrow(
      new DatasetOptionError(`loadDataset: unknown format "coco"; the formats are 'voc', 'isbi', 'ctc', 'folder', 'synthetic'.`),
    );
    await expect(loadDataset({ format: 'isbi' } as never)).rejects.toThrow(
      /loadDataset isbi: 'root' must be the path of the data set's folder, got undefined/,
    );
    await expect(loadDataset(undefined as never)).rejects.toBeInstanceOf(DatasetOptionError);
  });

  it('refuses options that are not plain JSON, since worker threads receive them', async () => {
    await expect(loadDataset({ format: 'folder', root: folderRoot, ids: [() => 'a'] } as never)).rejects.toThrow(
      /options\.ids\[0\] is a function; options must be plain JSON/,
    );
    await expect(loadDataset({ format: 'folder', root: folderRoot, when: new Date(0) } as never)).rejects.toThrow(
      /options\.when is a Date/,
    );
    await expect(loadDataset({ format: 'folder', root: folderRoot, ignoreValue: Number.NaN })).rejects.toThrow(
      /options\.ignoreValue is NaN/,
    );
  });

  it('passes unknown options to the layout, which names the allowed ones', async () => {
    await expect(loadDataset({ format: 'ctc', root: scratch, truths: 'gold' } as never)).rejects.toThrow(
      /unknown option 'truths'; the options are 'sequences', 'truth', 'frames'/,
    );
  });

  it('delegates format synthetic to createSyntheticDataset', async () => {
    const dataset = await loadDataset({ format: 'synthetic', seed: 3, size: 2, height: 64, width: 64 });
    expect(dataset.size).toBe(2);
    const sample = await dataset.get(1);
    expect([sample.image.height, sample.image.width]).toEqual([64, 64]);
  });
});
