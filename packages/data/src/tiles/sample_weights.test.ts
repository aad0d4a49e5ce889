import { unetWeightMap } from '@unet/core';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../sample.js';
import { sampleWeightMap } from './sample_weights.js';

function sampleOf(mask: number[], height: number, width: number, instances?: number[]): Sample {
  return {
    id: 'case',
    image: { data: new Float32Array(height * width), height, width, channels: 1 },
    mask: { data: Int32Array.from(mask), height, width },
    instances: instances ? { data: Int32Array.from(instances), height, width } : undefined,
    classNames: ['background', 'cell'],
  };
}

describe('sampleWeightMap', () => {
  it('balances classes over the counted pixels only and gives ignore pixels weight 0 (hand-computed)', () => {
    // 8 pixels of class 0, 4 of class 1, 4 ignored: 12 counted, w(0) = 12 / (2 * 8), w(1) = 12 / (2 * 4).
    const mask = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 255, 255, 255, 255];
    const weights = sampleWeightMap(sampleOf(mask, 4, 4), { w0: 0 }, 255);
    expect(Array.from(weights)).toEqual([...new Array(8).fill(0.75), ...new Array(4).fill(1.5), 0, 0, 0, 0]);
  });

  it('adds the border term between two cells: w0 exp(-(d1 + d2)^2 / (2 sigma^2)) on the gap', () => {
    // One row: cell, cell, gap, cell. The gap pixel is 1 px from each cell: d1 + d2 = 2.
    const weights = sampleWeightMap(sampleOf([1, 1, 0, 1], 1, 4, [1, 1, 0, 2]), { w0: 10, sigma: 5, classBalance: false });
    expect(weights[2]).toBeCloseTo(1 + 10 * Math.exp(-4 / 50), 5);
    expect(weights[0]).toBe(1);
  });

  it("equals core's unetWeightMap when nothing is ignored", () => {
    const mask = [1, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1];
    const instances = [1, 1, 0, 0, 1, 1, 0, 2, 1, 0, 0, 2, 1, 1, 0, 2];
    const ours = sampleWeightMap(sampleOf(mask, 4, 4, instances));
    const core = unetWeightMap({ instances: Int32Array.from(instances), classes: Int32Array.from(mask), height: 4, width: 4 });
    for (let i = 0; i < 16; i++) expect(ours[i]).toBeCloseTo(core[i], 5);
  });

  it('weights a separation border carved out of the mask as background between the two cells', () => {
    // Instances 1 1 2 2 touch; the mask makes the two pixels where they meet background (as the
    // ctc layout does). Pixel 1 is then 1 px from what is left of cell 1 (pixel 0) and 2 px from
    // cell 2 (pixel 3): d1 + d2 = 3.
    const weights = sampleWeightMap(sampleOf([1, 0, 0, 1], 1, 4, [1, 1, 2, 2]), { w0: 10, sigma: 5, classBalance: false });
    expect(weights[1]).toBeCloseTo(1 + 10 * Math.exp(-9 / 50), 5);
    expect(weights[0]).toBe(1);
    // ISBI-style instances (the cells are class 0, membranes class 1) are left as they are.
    const isbi = sampleWeightMap(sampleOf([0, 1, 0], 1, 3, [1, 0, 2]), { w0: 10, sigma: 5, classBalance: false });
    expect(isbi[1]).toBeCloseTo(1 + 10 * Math.exp(-4 / 50), 5);
  });

  it('uses connected components of the non-zero classes when the sample has no instances', () => {
    // Two separate cells in one row: the gap between them gets the border term.
    const weights = sampleWeightMap(sampleOf([1, 0, 1], 1, 3), { w0: 10, sigma: 5, classBalance: false });
    expect(weights[1]).toBeCloseTo(1 + 10 * Math.exp(-4 / 50), 5);
  });
});
