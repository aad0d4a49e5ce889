import { describe, expect, it } from 'vitest';
import { DistanceTransformError, euclideanDistanceTransform } from './distance_transform.js';

/** mulberry32: a small seeded generator, so that the random masks are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The independent computation: every pixel against every mask pixel. */
function bruteForce(mask: Uint8Array, height: number, width: number): number[] {
  const result: number[] = [];
  for (let r = 0; r < height; r++)
    for (let c = 0; c < width; c++) {
      let best = Infinity;
      for (let r2 = 0; r2 < height; r2++)
        for (let c2 = 0; c2 < width; c2++) if (mask[r2 * width + c2]) best = Math.min(best, Math.hypot(r - r2, c - c2));
      result.push(best);
    }
  return result;
}

describe('euclideanDistanceTransform', () => {
  it('measures from a single centre pixel of a 3x3 image', () => {
    const mask = new Uint8Array([0, 0, 0, 0, 1, 0, 0, 0, 0]);
    const d = euclideanDistanceTransform(mask, 3, 3);
    const s = Math.SQRT2;
    const expected = [s, 1, s, 1, 0, 1, s, 1, s];
    for (const [i, value] of expected.entries()) expect(d[i]).toBeCloseTo(value, 6);
  });

  it('takes the nearer of two pixels in a 1x5 row, and accepts booleans', () => {
    const d = euclideanDistanceTransform([true, false, false, false, true], 1, 5);
    expect(Array.from(d)).toEqual([0, 1, 2, 1, 0]);
  });

  it('measures a 4x1 column from its bottom pixel', () => {
    const d = euclideanDistanceTransform(new Uint8Array([0, 0, 0, 1]), 4, 1);
    expect(Array.from(d)).toEqual([3, 2, 1, 0]);
  });

  it('gives Infinity everywhere for an empty mask and 0 everywhere for a full one', () => {
    expect(Array.from(euclideanDistanceTransform(new Uint8Array(6), 2, 3))).toEqual(new Array(6).fill(Infinity));
    expect(Array.from(euclideanDistanceTransform(new Uint8Array(6).fill(1), 2, 3))).toEqual(new Array(6).fill(0));
  });

  it('gives the diagonal distance to a corner: 5 for a 3-4-5 triangle', () => {
    const mask = new Uint8Array(5 * 4);
    mask[0] = 1;
    const d = euclideanDistanceTransform(mask, 5, 4);
    expect(d[4 * 4 + 3]).toBeCloseTo(5, 6);
  });

  it('agrees with brute force on random masks of random sizes and densities', () => {
    const random = seededRandom(2015);
    for (let trial = 0; trial < 60; trial++) {
      const height = 1 + Math.floor(random() * 12);
      const width = 1 + Math.floor(random() * 12);
      const density = random() * 0.3;
      const mask = new Uint8Array(height * width);
      for (let i = 0; i < mask.length; i++) mask[i] = random() < density ? 1 : 0;
      const d = euclideanDistanceTransform(mask, height, width);
      const expected = bruteForce(mask, height, width);
      expected.forEach((value, i) => {
        if (value === Infinity) expect(d[i]).toBe(Infinity);
        else expect(d[i]).toBeCloseTo(value, 5);
      });
    }
  });

  it('rejects a mask whose length is not height * width, naming both', () => {
    expect(() => euclideanDistanceTransform(new Uint8Array(5), 2, 3)).toThrow(DistanceTransformError);
    expect(() => euclideanDistanceTransform(new Uint8Array(5), 2, 3)).toThrow(/5 values.*2 \* 3 = 6/);
    expect(() => euclideanDistanceTransform(new Uint8Array(0), 0, 3)).toThrow(/height must be a positive/);
  });
});
