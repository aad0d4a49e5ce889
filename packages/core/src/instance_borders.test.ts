import { describe, expect, it } from 'vitest';
import { touchingInstanceBorders } from './instance_borders.js';

describe('touchingInstanceBorders', () => {
  it('marks both sides of an edge where two cells touch, and nothing where a cell meets background', () => {
    // Two cells side by side (ids 1 and 2) in a 3 x 5 image, background in the last column.
    const instances = [1, 1, 2, 2, 0, 1, 1, 2, 2, 0, 1, 1, 2, 2, 0];
    expect(Array.from(touchingInstanceBorders(instances, 3, 5))).toEqual([0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0]);
  });

  it('counts diagonal contact (8-neighbours)', () => {
    expect(Array.from(touchingInstanceBorders([1, 0, 0, 2], 2, 2))).toEqual([1, 0, 0, 1]);
  });

  it('rejects an image of the wrong size', () => {
    expect(() => touchingInstanceBorders([1, 2, 3], 2, 2)).toThrow(/3 instance pixels are not 2 x 2/);
  });
});
