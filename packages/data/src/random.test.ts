import { describe, expect, it } from 'vitest';
import { RandomSeedError, createRandom } from './random.js';

function draws(count: number, seed: number, ...keys: (number | string)[]): number[] {
  const random = createRandom(seed, ...keys);
  return Array.from({ length: count }, () => random.nextUint32());
}

describe('createRandom', () => {
  it('gives the same numbers for the same seed and different ones for another seed', () => {
    expect(draws(8, 42)).toEqual(draws(8, 42));
    expect(draws(8, 42)).not.toEqual(draws(8, 43));
    expect(draws(8, 0)).not.toEqual(draws(8, 1));
  });

  it('forks by key, independently of what the parent drew', () => {
    const parent = createRandom(7);
    const before = parent.fork('sample', 3, 1).uniform();
    for (let i = 0; i < 100; i++) parent.normal();
    expect(parent.fork('sample', 3, 1).uniform()).toBe(before);
    // Chained and flat forks are the same stream; createRandom(seed, ...keys) too.
    expect(parent.fork('sample').fork(3).fork(1).uniform()).toBe(before);
    expect(createRandom(7, 'sample', 3, 1).uniform()).toBe(before);
    expect(parent.fork('sample', 3, 2).uniform()).not.toBe(before);
    expect(parent.fork('sample', 1, 3).uniform()).not.toBe(before);
  });

  it('separates large keys that share their low 32 bits', () => {
    expect(draws(4, 1, 2 ** 32 + 5)).not.toEqual(draws(4, 1, 5));
  });

  it('rejects seeds that are not whole numbers, naming the value', () => {
    expect(() => createRandom(0.5)).toThrow(RandomSeedError);
    expect(() => createRandom(Number.NaN)).toThrow(/got NaN/);
  });
});

describe('Random draws', () => {
  const count = 200_000;

  it('uniform has mean 1/2 and variance 1/12 in [0, 1)', () => {
    const random = createRandom(1);
    let sum = 0;
    let sumOfSquares = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < count; i++) {
      const u = random.uniform();
      sum += u;
      sumOfSquares += u * u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    const mean = sum / count;
    // Standard error of the mean: sqrt(1/12 / n) = 6.5e-4; 5 of them.
    expect(Math.abs(mean - 0.5)).toBeLessThan(3.3e-3);
    expect(Math.abs(sumOfSquares / count - mean * mean - 1 / 12)).toBeLessThan(1e-3);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
  });

  it('normal has the asked mean and standard deviation, and Gaussian tails', () => {
    const random = createRandom(2);
    let sum = 0;
    let sumOfSquares = 0;
    let beyondTwoStd = 0;
    for (let i = 0; i < count; i++) {
      const z = random.normal(3, 10);
      sum += z;
      sumOfSquares += z * z;
      if (Math.abs(z - 3) > 20) beyondTwoStd++;
    }
    const mean = sum / count;
    const std = Math.sqrt(sumOfSquares / count - mean * mean);
    expect(Math.abs(mean - 3)).toBeLessThan(0.12);
    expect(Math.abs(std - 10)).toBeLessThan(0.1);
    // P(|Z| > 2) = 0.0455 for a Gaussian.
    expect(Math.abs(beyondTwoStd / count - 0.0455)).toBeLessThan(0.003);
  });

  it('integer covers [low, high) evenly', () => {
    const random = createRandom(3);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[random.integer(-3, 4) + 3]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(() => random.integer(2, 2)).toThrow(RandomSeedError);
  });

  it('permutation holds each index once, and shuffles differ per key', () => {
    const order = createRandom(4).permutation(50);
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(order)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(createRandom(4).permutation(50))).toEqual(Array.from(order));
    expect(Array.from(createRandom(5).permutation(50))).not.toEqual(Array.from(order));
  });
});
