import { describe, expect, it } from 'vitest';
import {
  PixelErrorArgumentError,
  bestFScoreOfCounts,
  bestPixelFScore,
  pixelCountsPerThreshold,
  pixelError,
  pixelErrorOfMask,
} from './pixel_error.js';

describe('pixelErrorOfMask', () => {
  it('is 1 - F for a hand-counted mask', () => {
    // truth 1 1 0 0, predicted 1 0 1 0: TP 1, FP 1, FN 1 -> F = 2 / 4 = 0.5.
    expect(pixelErrorOfMask([1, 0, 1, 0], [1, 1, 0, 0])).toBeCloseTo(0.5, 12);
    expect(pixelErrorOfMask([1, 1, 0, 0], [1, 1, 0, 0])).toBe(0);
  });

  it('is 0 when neither truth nor prediction has foreground', () => {
    expect(pixelErrorOfMask([0, 0], [0, 0])).toBe(0);
  });
});

describe('pixelError', () => {
  it('takes the best threshold: a map that separates the classes at 0.5 scores 0', () => {
    expect(pixelError([0.9, 0.6, 0.4, 0.1], [1, 1, 0, 0])).toBe(0);
  });

  it('matches a hand-computed best F over three thresholds', () => {
    // truth 1 1 0 0, probabilities 0.8 0.3 0.5 0.1.
    // t = 0.2: predicted 1 1 1 0 -> TP 2, FP 1, FN 0 -> F = 4/5
    // t = 0.4: predicted 1 0 1 0 -> TP 1, FP 1, FN 1 -> F = 2/4
    // t = 0.9: nothing predicted  -> TP 0, FN 2      -> F = 0
    const best = bestPixelFScore([0.8, 0.3, 0.5, 0.1], [1, 1, 0, 0], [0.4, 0.2, 0.9]);
    expect(best.fScore).toBeCloseTo(0.8, 12);
    expect(best.threshold).toBe(0.2);
    expect(pixelError([0.8, 0.3, 0.5, 0.1], [1, 1, 0, 0], [0.4, 0.2, 0.9])).toBeCloseTo(0.2, 12);
  });

  it('rejects a 0/255 truth and unequal lengths with typed errors', () => {
    expect(() => pixelError([0.5, 0.5], [0, 255])).toThrow(PixelErrorArgumentError);
    expect(() => pixelError([0.5, 0.5], [0, 255])).toThrow(/value 255/);
    expect(() => pixelErrorOfMask([1], [1, 0])).toThrow(/1 pixels and the truth 2/);
    expect(() => pixelError([0.5], [1], [])).toThrow(/no thresholds/);
  });
});

describe('pixelCountsPerThreshold and bestFScoreOfCounts', () => {
  it("pool two images under one threshold, which can differ from each image's own best", () => {
    // Image A: truth 1 0, probabilities 0.7 0.3 -> best alone at 0.5 (F 1).
    // Image B: truth 1 1 1 0, probabilities 0.4 0.4 0.4 0.2 -> best alone at 0.3 (F 1).
    // Pooled: t 0.3: TP 4, FP 1 (A's 0.3), FN 0 -> F 8/9; t 0.5: TP 1, FN 3 -> F 2/5.
    const thresholds = [0.3, 0.5];
    const a = pixelCountsPerThreshold([0.7, 0.3], [1, 0], thresholds);
    const b = pixelCountsPerThreshold([0.4, 0.4, 0.4, 0.2], [1, 1, 1, 0], thresholds);
    expect(a).toEqual([
      { truePositives: 1, falsePositives: 1, falseNegatives: 0 },
      { truePositives: 1, falsePositives: 0, falseNegatives: 0 },
    ]);
    const pooled = a.map((count, index) => ({
      truePositives: count.truePositives + b[index]!.truePositives,
      falsePositives: count.falsePositives + b[index]!.falsePositives,
      falseNegatives: count.falseNegatives + b[index]!.falseNegatives,
    }));
    const best = bestFScoreOfCounts(pooled, thresholds);
    expect(best.threshold).toBe(0.3);
    expect(best.fScore).toBeCloseTo(8 / 9, 12);
  });

  it('rejects counts that do not match the thresholds', () => {
    expect(() => bestFScoreOfCounts([], [0.5])).toThrow(/0 sets of counts for 1 thresholds/);
    expect(() => pixelCountsPerThreshold([0.5], [1], [])).toThrow(/no thresholds/);
  });
});
