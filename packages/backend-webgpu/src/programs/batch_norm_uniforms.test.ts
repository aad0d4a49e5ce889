import { describe, expect, it } from 'vitest';
import { planBatchNorm } from './batch_norm_uniforms.js';

describe('planBatchNorm', () => {
  it("splits the first layer's rows (8 x 256 x 256, 64 channels) into runs that cover them once", () => {
    const plan = planBatchNorm(64, 8 * 256 * 256);
    expect(plan.channelLanes).toBe(64);
    expect(plan.splits).toBe(2048);
    expect(plan.chunk * plan.splits).toBeGreaterThanOrEqual(plan.rows);
    expect(plan.chunk * (plan.splits - 1)).toBeLessThan(plan.rows);
  });

  it('gives few channels few lanes (the rest of the workgroup takes rows) and short layers one split', () => {
    expect(planBatchNorm(4, 100)).toEqual({ channels: 4, rows: 100, channelLanes: 4, splits: 1, chunk: 100 });
    expect(planBatchNorm(70, 1000).channelLanes).toBe(64);
  });
});
