import path from 'node:path';
import { touchingInstanceBorders } from '@unet/core';
import { sharedDatasetsRoot } from '@unet/test-utils';
import sharp from 'sharp';
import { beforeEach, describe, expect, it } from 'vitest';
import { readLabelImage } from '../readers/label_image.js';
import type { Dataset, Sample } from '../sample.js';
import { loadDataset } from './load_dataset.js';

// The real data in ../shared/datasets (see its README); absent in a user's clone, so these skip.
async function readAll(dataset: Dataset): Promise<Sample[]> {
  return Promise.all(dataset.ids.map((_, index) => dataset.get(index)));
}

function distinct(values: ArrayLike<number>): number[] {
  const found = new Set<number>();
  for (let index = 0; index < values.length; index++) found.add(values[index]!);
  return [...found].sort((a, b) => a - b);
}

describe('real data sets in ../shared/datasets', () => {
  beforeEach((context) => {
    if (sharedDatasetsRoot === undefined) context.skip('../shared/datasets is absent (a fresh clone has none)');
  });

  it('ISBI 2012: 25 slices of 512x512, one float32 channel in [0, 1], int32 masks with both classes present', async () => {
    const dataset = await loadDataset({ format: 'isbi', root: path.join(sharedDatasetsRoot!, 'isbi2012-em') });
    expect(dataset.size).toBe(25);
    expect(dataset.ids[0]).toBe('00');
    expect(dataset.ids[24]).toBe('24');
    expect(dataset.classNames).toEqual(['cell', 'membrane']);
    let membrane = 0;
    let total = 0;
    for (const sample of await readAll(dataset)) {
      expect([sample.image.height, sample.image.width, sample.image.channels]).toEqual([512, 512, 1]);
      expect(sample.image.data).toBeInstanceOf(Float32Array);
      let low = Infinity;
      let high = -Infinity;
      const pixels = sample.image.data;
      for (let index = 0; index < pixels.length; index++) {
        if (pixels[index]! < low) low = pixels[index]!;
        if (pixels[index]! > high) high = pixels[index]!;
      }
      expect(low).toBeGreaterThanOrEqual(0);
      expect(high).toBeLessThanOrEqual(1);
      expect(high - low).toBeGreaterThan(0.5); // a real EM slice, not a blank page
      expect(sample.mask.data).toBeInstanceOf(Int32Array);
      expect(distinct(sample.mask.data)).toEqual([0, 1]);
      for (let index = 0; index < sample.mask.data.length; index++) membrane += sample.mask.data[index]!;
      total += sample.mask.data.length;
    }
    // Membranes are the minority class (about a fifth of the pixels in this volume).
    expect(membrane / total).toBeGreaterThan(0.1);
    expect(membrane / total).toBeLessThan(0.35);
    const split = await loadDataset({
      format: 'isbi',
      root: path.join(sharedDatasetsRoot!, 'isbi2012-em'),
      slices: [20, 21, 22, 23, 24],
      instances: true,
    });
    expect(split.ids).toEqual(['20', '21', '22', '23', '24']);
    const withCells = await split.get(0);
    const cells = distinct(withCells.instances!.data);
    expect(cells.length).toBeGreaterThan(20); // dozens of neurite profiles per slice
  });

  it('our PNG decoder reads the real ISBI label files to the same values as sharp', async () => {
    for (const name of ['00.png', '24.png']) {
      const file = path.join(sharedDatasetsRoot!, 'isbi2012-em', 'train', 'label', name);
      const ours = await readLabelImage(file);
      const theirs = await sharp(file).toColourspace('b-w').raw().toBuffer();
      expect(ours.data.length).toBe(theirs.length);
      let disagreements = 0;
      for (let index = 0; index < theirs.length; index++) if (ours.data[index] !== theirs[index]) disagreements++;
      expect(disagreements).toBe(0);
    }
  });

  it('DIC-HeLa (silver truth): 30 frames of 512x512 with several 16-bit cell ids, semantic mask 0/1 with touching cells carved apart', async () => {
    const dataset = await loadDataset({ format: 'ctc', root: path.join(sharedDatasetsRoot!, 'dic-c2dh-hela') });
    expect(dataset.size).toBe(30);
    expect(dataset.ids[0]).toBe('01/t000');
    expect(dataset.classNames).toEqual(['background', 'cell']);
    let carvedPixels = 0;
    for (const sample of await readAll(dataset)) {
      expect([sample.image.height, sample.image.width, sample.image.channels]).toEqual([512, 512, 1]);
      expect(sample.image.data).toBeInstanceOf(Float32Array);
      const instances = sample.instances!;
      expect([instances.height, instances.width]).toEqual([512, 512]);
      expect(instances.data).toBeInstanceOf(Int32Array);
      const ids = distinct(instances.data);
      expect(ids[0]).toBe(0);
      expect(ids.length - 1).toBeGreaterThanOrEqual(5);
      expect(distinct(sample.mask.data)).toEqual([0, 1]);
      // The mask is the cells less the borders carved between touching cells (the paper's
      // separation borders): every mask pixel is a cell pixel, and the carved ones are a thin seam.
      const borders = touchingInstanceBorders(instances.data, instances.height, instances.width);
      let cellPixels = 0;
      let disagreements = 0;
      for (let pixel = 0; pixel < instances.data.length; pixel++) {
        const isCell = instances.data[pixel]! > 0;
        if (isCell) cellPixels++;
        if (sample.mask.data[pixel] !== (isCell && borders[pixel] === 0 ? 1 : 0)) disagreements++;
        if (!isCell && borders[pixel] !== 0) disagreements++;
        if (borders[pixel] !== 0) carvedPixels++;
      }
      expect(disagreements).toBe(0);
      expect(cellPixels).toBeGreaterThan(0);
    }
    expect(carvedPixels).toBeGreaterThan(0); // HeLa cells touch in some frames
    expect(carvedPixels).toBeLessThan(0.02 * 30 * 512 * 512);
  });
});
