import { describe, expect, it } from 'vitest';
import {
  PixelErrorArgumentError,
  bestPixelFScore,
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
