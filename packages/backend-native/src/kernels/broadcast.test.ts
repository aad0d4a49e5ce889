import { describe, expect, it } from 'vitest';
import { broadcastParameters } from './broadcast.js';

describe('broadcastParameters', () => {
  it('merges an NHWC tensor times a per-channel vector into rows of channels', () => {
    expect(Array.from(broadcastParameters([4, 8, 8, 16], [16], [4, 8, 8, 16]))).toEqual([2, 256, 16, 16, 1, 0, 1]);
  });

  it('merges equal shapes into one dim and keeps a scalar at stride 0', () => {
    expect(Array.from(broadcastParameters([2, 3], [2, 3], [2, 3]))).toEqual([1, 6, 1, 1]);
    expect(Array.from(broadcastParameters([2, 3], [], [2, 3]))).toEqual([1, 6, 1, 0]);
  });

  it('keeps alternating broadcasts apart: [2, 1, 3] with [1, 5, 1]', () => {
    expect(Array.from(broadcastParameters([2, 1, 3], [1, 5, 1], [2, 5, 3]))).toEqual([3, 2, 5, 3, 3, 0, 1, 0, 1, 0]);
  });
});
