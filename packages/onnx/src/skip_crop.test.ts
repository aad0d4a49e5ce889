import { describe, expect, it } from 'vitest';
import { skipCrops } from './skip_crop.js';

describe('skipCrops', () => {
  it("gives the paper's crops (fig. 1: 64 -> 56, 136 -> 104, 280 -> 200, 568 -> 392)", () => {
    // Differences 8, 32, 80, 176 pixels, half of each on either side.
    expect(skipCrops({ depth: 4, padding: 'valid' })).toEqual([
      { before: 4, after: 4 },
      { before: 16, after: 16 },
      { before: 40, after: 40 },
      { before: 88, after: 88 },
    ]);
  });

  it('crops nothing with padded convolutions', () => {
    expect(skipCrops({ depth: 2, padding: 'same' })).toEqual([
      { before: 0, after: 0 },
      { before: 0, after: 0 },
    ]);
  });
});
