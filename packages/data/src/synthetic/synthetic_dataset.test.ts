import { labelConnectedComponents, unetWeightMap } from '@unet/core';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../sample.js';
import { SyntheticDatasetError, createSyntheticDataset } from './synthetic_dataset.js';

/** The best F-score of "membrane where intensity < t" over all thresholds t. */
function bestIntensityThresholdF1(samples: Sample[]): number {
  const bins = 256;
  const membrane = new Float64Array(bins);
  const other = new Float64Array(bins);
  let totalMembrane = 0;
  for (const sample of samples) {
    sample.image.data.forEach((value, i) => {
      const bin = Math.min(bins - 1, Math.floor(value * bins));
      if (sample.mask.data[i] === 1) {
        membrane[bin]++;
        totalMembrane++;
      } else {
        other[bin]++;
      }
    });
  }
  let best = 0;
  let truePositives = 0;
  let falsePositives = 0;
  for (let bin = 0; bin < bins; bin++) {
    truePositives += membrane[bin];
    falsePositives += other[bin];
    const f1 = (2 * truePositives) / (2 * truePositives + falsePositives + (totalMembrane - truePositives));
    best = Math.max(best, f1);
  }
  return best;
}

describe('createSyntheticDataset', () => {
  it('defaults to 30 EM images of 256 x 256, one channel, membrane = class 1', () => {
    const dataset = createSyntheticDataset();
    expect(dataset.size).toBe(30);
    expect(dataset.channels).toBe(1);
    expect(dataset.classNames).toEqual(['cell', 'membrane']);
    expect(dataset.ids).toHaveLength(30);
    expect(dataset.ids[7]).toBe('em-007');
  });

  it('is deterministic: same seed, same bytes; another seed or index, other bytes', async () => {
    const a = await createSyntheticDataset({ seed: 5, height: 64, width: 80 }).get(2);
    const b = await createSyntheticDataset({ seed: 5, height: 64, width: 80 }).get(2);
    const c = await createSyntheticDataset({ seed: 6, height: 64, width: 80 }).get(2);
    const d = await createSyntheticDataset({ seed: 5, height: 64, width: 80 }).get(3);
    expect(Buffer.from(a.image.data.buffer).equals(Buffer.from(b.image.data.buffer))).toBe(true);
    expect(Buffer.from(a.mask.data.buffer).equals(Buffer.from(b.mask.data.buffer))).toBe(true);
    expect(a.image.data).not.toEqual(c.image.data);
    expect(a.image.data).not.toEqual(d.image.data);
    expect(a.image.data).toHaveLength(64 * 80);
    const cellsA = await createSyntheticDataset({ kind: 'cells', seed: 5, height: 64, width: 64 }).get(0);
    const cellsB = await createSyntheticDataset({ kind: 'cells', seed: 5, height: 64, width: 64 }).get(0);
    expect(cellsA.image.data).toEqual(cellsB.image.data);
  });

  it('iterates its samples in index order', async () => {
    const dataset = createSyntheticDataset({ size: 3, height: 48, width: 48 });
    const ids: string[] = [];
    for await (const sample of dataset) ids.push(sample.id);
    expect(ids).toEqual(['em-000', 'em-001', 'em-002']);
  });

  it('rejects bad options and indices with the fix', async () => {
    expect(() => createSyntheticDataset({ kind: 'ct' as never })).toThrow(SyntheticDatasetError);
    expect(() => createSyntheticDataset({ size: 0 })).toThrow(/size must be a whole number >= 1/);
    expect(() => createSyntheticDataset({ height: 8 })).toThrow(/at least 32 x 32/);
    expect(() => createSyntheticDataset({ seeds: 3 } as never)).toThrow(/unknown option 'seeds'; the synthetic data set takes kind, seed/);
    await expect(createSyntheticDataset({ size: 2 }).get(2)).rejects.toThrow(/pass 0 to 1/);
  });
});

describe('the EM kind', () => {
  const dataset = createSyntheticDataset({ seed: 1 });
  let samples: Sample[] = [];

  it('has thin membranes around connected cells; instances are exactly the non-membrane pixels', async () => {
    samples = await Promise.all([0, 1, 2, 3].map((index) => dataset.get(index)));
    for (const sample of samples) {
      const { mask, instances, image } = sample;
      let membrane = 0;
      let mismatches = 0;
      for (let i = 0; i < mask.data.length; i++) {
        if ((mask.data[i] === 1) !== (instances!.data[i] === 0)) mismatches++;
        membrane += mask.data[i];
      }
      expect(mismatches).toBe(0);
      const fraction = membrane / mask.data.length;
      expect(fraction).toBeGreaterThan(0.05);
      expect(fraction).toBeLessThan(0.3);
      expect(Math.min(...image.data)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...image.data)).toBeLessThanOrEqual(1);
      // Cells: the non-membrane pixels fall apart into about one component per cell.
      const cells = labelConnectedComponents(
        Int32Array.from(mask.data, (value) => 1 - value),
        256,
        256,
        4,
      );
      const ids = new Set(instances!.data);
      ids.delete(0);
      expect(ids.size).toBeGreaterThan(25);
      expect(Math.abs(cells.count - ids.size)).toBeLessThanOrEqual(2);
    }
  });

  it('cannot be segmented by intensity alone: dark organelles inside cells are not membrane', () => {
    // Organelles: non-membrane pixels darker than the median membrane pixel.
    const sample = samples[0];
    const membraneValues = Array.from(sample.image.data)
      .filter((_, i) => sample.mask.data[i] === 1)
      .sort((a, b) => a - b);
    const median = membraneValues[membraneValues.length >> 1];
    let darkCellPixels = 0;
    for (let i = 0; i < sample.image.data.length; i++) {
      if (sample.mask.data[i] === 0 && sample.image.data[i] < median) darkCellPixels++;
    }
    expect(darkCellPixels).toBeGreaterThan(300);
    // The best global threshold on intensity misses much of the membrane (F1 0.80 on these four).
    const f1 = bestIntensityThresholdF1(samples);
    expect(f1).toBeLessThan(0.85);
    expect(f1).toBeGreaterThan(0.4);
  });
});

describe('the cells kind', () => {
  it("has touching cells separated by a thin background gap, which the paper's weight map weights up", async () => {
    const dataset = createSyntheticDataset({ kind: 'cells', seed: 2 });
    expect(dataset.classNames).toEqual(['background', 'cell']);
    const sample = await dataset.get(0);
    const { mask, instances } = sample;
    const width = 256;
    let gapPixels = 0;
    let mismatches = 0;
    for (let row = 2; row < 254; row++) {
      for (let column = 2; column < 254; column++) {
        const i = row * width + column;
        if ((mask.data[i] === 1) !== instances!.data[i] > 0) mismatches++;
        if (mask.data[i] !== 0) continue;
        // A background pixel with two different cells within 2 px on either side.
        const near = new Set<number>();
        for (let dr = -2; dr <= 2; dr++) for (let dc = -2; dc <= 2; dc++) near.add(instances!.data[i + dr * width + dc]);
        near.delete(0);
        if (near.size >= 2) gapPixels++;
      }
    }
    expect(mismatches).toBe(0);
    expect(gapPixels).toBeGreaterThan(100);
    const weights = unetWeightMap({ instances: instances!.data, classes: mask.data, height: 256, width: 256 });
    expect(Math.max(...weights)).toBeGreaterThan(6);
  });
});
