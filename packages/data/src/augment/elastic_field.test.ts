import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.js';
import { AugmentationError } from './augmentation_error.js';
import { drawCoarseDisplacements, upsampleDisplacements } from './elastic_field.js';

describe('drawCoarseDisplacements', () => {
  it("draws node displacements with the paper's 10 px standard deviation per axis, mean 0", () => {
    const random = createRandom(11);
    let count = 0;
    let sum = 0;
    let sumOfSquares = 0;
    for (let draw = 0; draw < 2000; draw++) {
      const { values } = drawCoarseDisplacements(random.fork(draw));
      expect(values).toHaveLength(18);
      for (const value of values) {
        count++;
        sum += value;
        sumOfSquares += value * value;
      }
    }
    const mean = sum / count;
    const std = Math.sqrt(sumOfSquares / count - mean * mean);
    // 36,000 values: the standard error of the std is 10 / sqrt(2 * 36000) = 0.037.
    expect(Math.abs(mean)).toBeLessThan(0.25);
    expect(Math.abs(std - 10)).toBeLessThan(0.15);
  });

  it('rejects a grid of one node or a negative std', () => {
    expect(() => drawCoarseDisplacements(createRandom(1), 1)).toThrow(AugmentationError);
    expect(() => drawCoarseDisplacements(createRandom(1), 3, -1)).toThrow(/use 10 pixels/);
  });
});

describe('upsampleDisplacements', () => {
  it('passes through the nodes: corners, edge midpoints and centre of an odd window', () => {
    const coarse = drawCoarseDisplacements(createRandom(5));
    const field = upsampleDisplacements(coarse, 21, 41);
    for (let gridRow = 0; gridRow < 3; gridRow++) {
      for (let gridColumn = 0; gridColumn < 3; gridColumn++) {
        const pixel = gridRow * 10 * 41 + gridColumn * 20;
        const node = (gridRow * 3 + gridColumn) * 2;
        expect(field.rows[pixel]).toBeCloseTo(coarse.values[node], 10);
        expect(field.columns[pixel]).toBeCloseTo(coarse.values[node + 1], 10);
      }
    }
  });

  it('is smooth: neighbouring pixels differ by far less than the node spacing allows for a step', () => {
    const coarse = drawCoarseDisplacements(createRandom(6));
    const field = upsampleDisplacements(coarse, 64, 64);
    let largest = 0;
    for (let row = 0; row < 64; row++) {
      for (let column = 1; column < 64; column++) {
        largest = Math.max(largest, Math.abs(field.rows[row * 64 + column] - field.rows[row * 64 + column - 1]));
      }
    }
    const spread = Math.max(...coarse.values) - Math.min(...coarse.values);
    // 31.5 pixels between nodes; a cubic through them changes by at most a few times spread / 31.5 per pixel.
    expect(largest).toBeLessThan((3 * spread) / 31.5);
    expect(largest).toBeGreaterThan(0);
  });

  it('is a constant field for a constant grid (the kernel weights sum to 1)', () => {
    const values = new Float64Array(18);
    for (let i = 0; i < 18; i += 2) {
      values[i] = 2.5;
      values[i + 1] = -4;
    }
    const field = upsampleDisplacements({ gridSize: 3, values }, 17, 9);
    for (let i = 0; i < 17 * 9; i++) {
      expect(field.rows[i]).toBeCloseTo(2.5, 12);
      expect(field.columns[i]).toBeCloseTo(-4, 12);
    }
  });
});
