import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage_error.js';
import { foldSplit } from './fold_split.js';

const ids = Array.from({ length: 11 }, (_, index) => String(index).padStart(2, '0'));

describe('foldSplit', () => {
  it('deals the samples into K disjoint folds that cover them all, of sizes differing by at most one', () => {
    const { folds } = foldSplit(ids, 3, 0, 7);
    expect(folds.map((fold) => fold.length).sort()).toEqual([3, 4, 4]);
    expect(folds.flat().sort()).toEqual(ids);
    expect(new Set(folds.flat()).size).toBe(ids.length);
    // Shuffled by the seed, not cut in order.
    expect(folds[0]).not.toEqual(ids.slice(0, folds[0]!.length));
  });

  it('gives fold i the others to train on and its own to validate, the same for every fold and call', () => {
    for (let fold = 0; fold < 3; fold++) {
      const split = foldSplit(ids, 3, fold, 7);
      expect(split.folds).toEqual(foldSplit(ids, 3, 0, 7).folds);
      expect(split.validation).toEqual(split.folds[fold]);
      expect([...split.training, ...split.validation].sort()).toEqual(ids);
      expect(split.training.filter((id) => split.validation.includes(id))).toEqual([]);
    }
    expect(foldSplit(ids, 3, 0, 8).folds).not.toEqual(foldSplit(ids, 3, 0, 7).folds);
  });

  it('refuses fewer than 2 folds, more folds than samples and a fold out of range, saying what to pass', () => {
    expect(() => foldSplit(ids, 1, 0, 1)).toThrow(UsageError);
    expect(() => foldSplit(ids.slice(0, 2), 3, 0, 1)).toThrow(/has 2 sample\(s\).*--folds 2 or fewer/);
    expect(() => foldSplit(ids, 3, 3, 1)).toThrow(/--fold 3: must be a whole number from 0 to 2/);
  });
});
