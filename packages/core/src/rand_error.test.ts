import { describe, expect, it } from 'vitest';
import {
  RegionMeasureError,
  adaptedRandError,
  isbiRandError,
  regionMeasures,
  regionsFromBoundaryMap,
  variationOfInformation,
} from './rand_error.js';

const labels = (values: number[]): Int32Array => Int32Array.from(values);

describe('adaptedRandError', () => {
  it('is 0 with precision and recall 1 for identical segmentations, whatever the label names', () => {
    const result = adaptedRandError(labels([7, 7, 3, 3, 9]), labels([1, 1, 2, 2, 4]));
    expect(result).toEqual({ error: 0, precision: 1, recall: 1 });
  });

  it('matches a hand-computed 1x4 split', () => {
    // Truth one region of 4, prediction two of 2. Pairs of distinct pixels (n^2 - n summed):
    // joint 2*2 + 2*2 - 4 = 4, true 16 - 4 = 12, predicted 8 - 4 = 4.
    // precision = 4/12, recall = 4/4, error = 1 - 4 / (0.5 * 12 + 0.5 * 4) = 0.5.
    const result = adaptedRandError(labels([1, 1, 2, 2]), labels([1, 1, 1, 1]));
    expect(result.precision).toBeCloseTo(1 / 3, 12);
    expect(result.recall).toBe(1);
    expect(result.error).toBeCloseTo(0.5, 12);
  });

  it('matches a hand-computed 1x4 merge, with truth 0 pixels left out', () => {
    // Truth 1 1 0 2 2 (the 0 pixel is dropped), prediction one region:
    // joint 4, true 8 - 4 = 4, predicted 16 - 4 = 12 -> precision 1, recall 1/3, error 0.5.
    const result = adaptedRandError(labels([5, 5, 8, 5, 5]), labels([1, 1, 0, 2, 2]));
    expect(result.precision).toBe(1);
    expect(result.recall).toBeCloseTo(1 / 3, 12);
    expect(result.error).toBeCloseTo(0.5, 12);
  });

  it('treats predicted label 0 as an ordinary region', () => {
    // The split case again, with one half of the prediction labelled 0.
    expect(adaptedRandError(labels([0, 0, 3, 3]), labels([1, 1, 1, 1])).error).toBeCloseTo(0.5, 12);
  });

  it('matches a hand-computed uneven case', () => {
    // Truth 1 1 1 2, prediction 1 1 2 2. Cells (1,1) 2, (1,2) 1, (2,2) 1:
    // joint 4 + 1 + 1 - 4 = 2; true sizes 3, 1: 9 + 1 - 4 = 6; predicted 2, 2: 8 - 4 = 4.
    // precision 2/6, recall 2/4, error 1 - 2 / 5 = 0.6.
    const result = adaptedRandError(labels([1, 1, 2, 2]), labels([1, 1, 1, 2]));
    expect(result.precision).toBeCloseTo(1 / 3, 12);
    expect(result.recall).toBeCloseTo(0.5, 12);
    expect(result.error).toBeCloseTo(0.6, 12);
  });

  it('throws a typed error on unequal lengths', () => {
    expect(() => adaptedRandError(labels([1]), labels([1, 1]))).toThrow(RegionMeasureError);
    expect(() => adaptedRandError(labels([1]), labels([1, 1]))).toThrow(/1 pixels and the truth 2/);
  });
});

describe('isbiRandError', () => {
  it('is 0 for identical segmentations, whatever the label names', () => {
    expect(isbiRandError(labels([4, 4, 2, 2]), labels([1, 1, 2, 2]))).toEqual({ error: 0, precision: 1, recall: 1 });
  });

  it('matches a hand-computed boundary pixel inside a cell: unassigned, it costs recall only', () => {
    // Truth one cell of 4; prediction 3 0 3 3. Sums of squares with self pairs:
    // A = 16, B = 3^2 = 9 (the 0 pixel joins no region), P = 9 -> error 1 - 18 / 25 = 0.28.
    const result = isbiRandError(labels([3, 0, 3, 3]), labels([1, 1, 1, 1]));
    expect(result.precision).toBe(1);
    expect(result.recall).toBeCloseTo(9 / 16, 12);
    expect(result.error).toBeCloseTo(0.28, 12);
  });

  it('does not let a predicted boundary merge the two cells it covers, where adaptedRandError does', () => {
    // Truth cells 1 1 | 2 2; prediction 5 0 0 6: a thick boundary over both cells.
    // A = 8, B = 1 + 1 = 2, P = 2 -> error 1 - 4 / 10 = 0.6; no merge, so precision 1.
    const result = isbiRandError(labels([5, 0, 0, 6]), labels([1, 1, 2, 2]));
    expect(result.precision).toBe(1);
    expect(result.error).toBeCloseTo(0.6, 12);
    // With 0 an ordinary region, the two 0 pixels join cells 1 and 2: a merge.
    expect(adaptedRandError(labels([5, 0, 0, 6]), labels([1, 1, 2, 2])).precision).toBeLessThan(1);
  });

  it('leaves out the pixels whose true label is 0', () => {
    // Truth 1 0 2, prediction one region: A = 2, B = 2^2 = 4, P = 1 + 1 = 2 -> 1 - 4 / 6.
    expect(isbiRandError(labels([1, 1, 1]), labels([1, 0, 2])).error).toBeCloseTo(1 / 3, 12);
  });
});

describe('regionMeasures', () => {
  it('gives both measures of one pair of region images, hand-computed', () => {
    // Truth cells 1 1 | 2 2, prediction 5 0 0 6. Rand (isbiRandError): 1 - 4 / 10 = 0.6.
    // VI over the 4 pixels, each pair (true, predicted) with p = 1/4; predicted 0 is a region
    // here: H(S|T) = log 2 (each true cell split in two), H(T|S) = 1/2 log 2 (region 0 holds both).
    const { randError, variationOfInformation: information } = regionMeasures(labels([5, 0, 0, 6]), labels([1, 1, 2, 2]));
    expect(randError.error).toBeCloseTo(0.6, 12);
    expect(information.splitEntropy).toBeCloseTo(Math.log(2), 12);
    expect(information.mergeEntropy).toBeCloseTo(Math.log(2) / 2, 12);
  });
});

describe('variationOfInformation', () => {
  it('is 0 for identical segmentations', () => {
    expect(variationOfInformation(labels([4, 4, 2, 2]), labels([1, 1, 2, 2]))).toEqual({
      splitEntropy: 0,
      mergeEntropy: 0,
      total: 0,
    });
  });

  it('counts a split as H(S|T) = ln 2 and a merge as H(T|S) = ln 2', () => {
    const split = variationOfInformation(labels([1, 1, 2, 2]), labels([1, 1, 1, 1]));
    expect(split.splitEntropy).toBeCloseTo(Math.LN2, 12);
    expect(split.mergeEntropy).toBe(0);
    const merge = variationOfInformation(labels([1, 1, 0, 1, 1]), labels([1, 1, 0, 2, 2]));
    expect(merge.splitEntropy).toBe(0);
    expect(merge.mergeEntropy).toBeCloseTo(Math.LN2, 12);
    expect(merge.total).toBeCloseTo(Math.LN2, 12);
  });

  it('matches a hand-computed uneven case', () => {
    // Truth 1 1 1 2, prediction 1 1 2 2: p(1,1) = 1/2, p(1,2) = 1/4, p(2,2) = 1/4;
    // p_T = (3/4, 1/4), p_S = (1/2, 1/2).
    // H(S|T) = -(1/2 ln((1/2)/(3/4)) + 1/4 ln((1/4)/(3/4)) + 1/4 ln((1/4)/(1/4)))
    // H(T|S) = -(1/2 ln((1/2)/(1/2)) + 1/4 ln((1/4)/(1/2)) + 1/4 ln((1/4)/(1/2)))
    const result = variationOfInformation(labels([1, 1, 2, 2]), labels([1, 1, 1, 2]));
    const split = 0.5 * Math.log(1.5) + 0.25 * Math.log(3);
    const merge = 0.25 * Math.log(2) + 0.25 * Math.log(2);
    expect(result.splitEntropy).toBeCloseTo(split, 12);
    expect(result.mergeEntropy).toBeCloseTo(merge, 12);
    expect(result.total).toBeCloseTo(split + merge, 12);
  });
});

describe('regionsFromBoundaryMap', () => {
  it('labels 4-connected non-membrane pixels and gives membrane 0', () => {
    // 3x4 membrane probabilities; the diagonal touch at (1,2)-(2,3) does not connect.
    // 0.1 0.9 0.2 0.2
    // 0.1 0.9 0.3 0.8
    // 0.9 0.9 0.7 0.4
    const map = [0.1, 0.9, 0.2, 0.2, 0.1, 0.9, 0.3, 0.8, 0.9, 0.9, 0.7, 0.4];
    expect(Array.from(regionsFromBoundaryMap(map, 3, 4))).toEqual([1, 0, 2, 2, 1, 0, 2, 0, 0, 0, 0, 3]);
    // A threshold of 0.75 lets 0.7 through, which joins region 2 to the bottom-right pixel.
    expect(Array.from(regionsFromBoundaryMap(map, 3, 4, 0.75))).toEqual([1, 0, 2, 2, 1, 0, 2, 0, 0, 0, 2, 2]);
  });

  it('throws when the size does not match the map', () => {
    expect(() => regionsFromBoundaryMap([0, 0, 0], 2, 2)).toThrow(RegionMeasureError);
  });
});
