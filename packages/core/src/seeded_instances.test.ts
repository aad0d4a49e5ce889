import { describe, expect, it } from 'vitest';
import { seededInstances } from './seeded_instances.js';

describe('seededInstances', () => {
  it('parts two cells joined by a weak bridge, where connected components join them', () => {
    // One row: cell A (0.95 x 3), bridge 0.6, cell B (0.95 x 3); background 0.1 at the ends.
    const row = [0.1, 0.95, 0.95, 0.95, 0.6, 0.95, 0.95, 0.95, 0.1];
    const labels = Array.from(seededInstances(row, 1, 9, { minimumSeedSize: 2 }));
    // The bridge pixel goes to the seed that reaches it first (A, found first in the queue).
    expect(labels).toEqual([0, 1, 1, 1, 1, 2, 2, 2, 0]);
  });

  it('grows into the most probable pixels first: a bridge pixel goes to the cell it leans to', () => {
    // Seeds at 1 and 7; pixels 2..6 are foreground; 5 (0.8) and 4 (0.7) lean to the right cell,
    // which reaches them through higher probabilities than the left cell's 0.55 at pixel 3.
    const row = [0.1, 0.95, 0.6, 0.55, 0.7, 0.8, 0.95, 0.95, 0.1];
    const labels = Array.from(seededInstances(row, 1, 9, { minimumSeedSize: 1 }));
    expect(labels).toEqual([0, 1, 1, 2, 2, 2, 2, 2, 0]);
  });

  it('keeps foreground without a seed as an object of its own, and ignores tiny seeds', () => {
    // Left: a foreground piece that never reaches 0.9; right: a 1-pixel seed below the minimum size.
    const row = [0.7, 0.7, 0.1, 0.6, 0.92, 0.6];
    expect(Array.from(seededInstances(row, 1, 6, { minimumSeedSize: 2 }))).toEqual([1, 1, 0, 2, 2, 2]);
  });

  it('works in 2-D and leaves the background at 0', () => {
    // Two 2x2 cores in a 3 x 6 map joined through the middle row at 0.6.
    const map = [0.95, 0.95, 0.2, 0.2, 0.95, 0.95, 0.95, 0.95, 0.6, 0.6, 0.95, 0.95, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
    const labels = Array.from(seededInstances(map, 3, 6, { minimumSeedSize: 4 }));
    expect(labels).toEqual([1, 1, 0, 0, 2, 2, 1, 1, 1, 2, 2, 2, 0, 0, 0, 0, 0, 0]);
  });

  it('rejects a map of the wrong size and seeds below the object threshold', () => {
    expect(() => seededInstances([0.5, 0.5, 0.5], 2, 2)).toThrow(/3 probabilities are not 2 x 2/);
    expect(() => seededInstances([0.5], 1, 1, { threshold: 0.6, seedThreshold: 0.5 })).toThrow(/below threshold/);
  });
});
