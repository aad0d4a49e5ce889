import { describe, expect, it } from 'vitest';
import { planSplitK } from './split_k_plan.js';

const tiles = { tileM: 32, tileN: 32, tileK: 16 };

describe('planSplitK', () => {
  it("splits the first layer's long K (8 x 256 x 256) over many workgroups, each summing a whole number of K tiles", () => {
    const plan = planSplitK(9, 64, 8 * 256 * 256, tiles);
    // 1 x 2 tiles of M x N: 1024 splits give the 2048 workgroups wanted.
    expect(plan.splits).toBe(1024);
    expect(plan.chunk % 16).toBe(0);
    expect(plan.chunk * plan.splits).toBeGreaterThanOrEqual(8 * 256 * 256);
    expect(plan.chunk * (plan.splits - 1)).toBeLessThan(8 * 256 * 256);
  });

  it('does not split where M x N alone gives enough workgroups', () => {
    expect(planSplitK(9 * 512, 1024, 8 * 16 * 16, tiles)).toEqual({ splits: 1, chunk: 2048 });
  });

  it('keeps each split at least minimumChunk long and the partials within their memory bound', () => {
    expect(planSplitK(9, 4, 1000, tiles).splits).toBe(1);
    const plan = planSplitK(1024, 1024, 1 << 20, { ...tiles, maximumPartialElements: 4 * 1024 * 1024 });
    expect(plan.splits).toBeLessThanOrEqual(4);
  });
});
