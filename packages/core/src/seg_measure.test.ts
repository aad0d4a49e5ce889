import { describe, expect, it } from 'vitest';
import { SegMeasureError, segMeasure } from './seg_measure.js';

/** An 8x8 image with the given squares painted: [label, top, left, size]. */
function squares(...objects: [number, number, number, number][]): Int32Array {
  const image = new Int32Array(64);
  for (const [label, top, left, size] of objects)
    for (let row = top; row < top + size; row++) for (let column = left; column < left + size; column++) image[row * 8 + column] = label;
  return image;
}

describe('segMeasure', () => {
  it('is 1 for a perfect match, whatever the predicted labels are called', () => {
    const result = segMeasure(squares([9, 0, 0, 3], [4, 5, 5, 2]), squares([1, 0, 0, 3], [2, 5, 5, 2]));
    expect(result.seg).toBe(1);
    expect(result.perObject).toEqual([
      { trueLabel: 1, predictedLabel: 9, score: 1 },
      { trueLabel: 2, predictedLabel: 4, score: 1 },
    ]);
  });

  it('scores 0 for an object covered by exactly half (the match needs more than half)', () => {
    // True 2x2 square; the prediction covers its top row only: 2 of 4 pixels.
    const truth = squares([1, 2, 2, 2]);
    const predicted = new Int32Array(64);
    predicted[2 * 8 + 2] = 5;
    predicted[2 * 8 + 3] = 5;
    const result = segMeasure(predicted, truth);
    expect(result.seg).toBe(0);
    expect(result.perObject).toEqual([{ trueLabel: 1, predictedLabel: 0, score: 0 }]);
  });

  it('matches a hand-computed shifted square and averages with an unmatched object', () => {
    // True 4x4 square at (1, 1); predicted the same square one column right:
    // intersection 4 x 3 = 12 > 8, union 16 + 16 - 12 = 20 -> 0.6.
    // A second true object (2x2 at (6, 6)) has no prediction -> 0; SEG = (0.6 + 0) / 2.
    const result = segMeasure(squares([3, 1, 2, 4]), squares([1, 1, 1, 4], [2, 6, 6, 2]));
    expect(result.perObject[0]).toEqual({ trueLabel: 1, predictedLabel: 3, score: 0.6 });
    expect(result.perObject[1]).toEqual({ trueLabel: 2, predictedLabel: 0, score: 0 });
    expect(result.seg).toBeCloseTo(0.3, 12);
  });

  it('is NaN with no true object, and throws a typed error on unequal lengths', () => {
    const result = segMeasure(squares([1, 0, 0, 2]), new Int32Array(64));
    expect(result.seg).toBeNaN();
    expect(result.perObject).toEqual([]);
    expect(() => segMeasure(new Int32Array(3), new Int32Array(4))).toThrow(SegMeasureError);
    expect(() => segMeasure(new Int32Array(3), new Int32Array(4))).toThrow(/3 pixels and the truth/);
  });
});
