import { describe, expect, it } from 'vitest';
import { resampleFloat, resampleLabels } from './interpolate.js';
import type { SamplingMap } from './sampling_map.js';

function mapOf(points: [number, number][]): SamplingMap {
  return {
    height: 1,
    width: points.length,
    rows: Float64Array.from(points.map(([row]) => row)),
    columns: Float64Array.from(points.map(([, column]) => column)),
  };
}

// A 3 x 4 image, one channel, value = 10 * row + column.
const ramp = Float32Array.from({ length: 12 }, (_, i) => 10 * Math.floor(i / 4) + (i % 4));

describe('resampleFloat', () => {
  it('nearest mirrors outside the image without repeating the edge (numpy reflect)', () => {
    const out = resampleFloat(
      ramp,
      3,
      4,
      1,
      mapOf([
        [-1, 0],
        [0, -2],
        [3, 3],
        [2, 4],
        [1.4, 2.6],
      ]),
      'nearest',
    );
    // row -1 -> row 1; column -2 -> column 2; row 3 -> row 1; column 4 -> column 2.
    expect(Array.from(out)).toEqual([10, 2, 13, 22, 13]);
  });

  it('bilinear averages the four neighbours at a pixel corner', () => {
    const out = resampleFloat(
      ramp,
      3,
      4,
      1,
      mapOf([
        [0.5, 0.5],
        [1.25, 2],
      ]),
      'bilinear',
    );
    expect(out[0]).toBeCloseTo((0 + 1 + 10 + 11) / 4, 5);
    expect(out[1]).toBeCloseTo(10 * 1.25 + 2, 5);
  });

  it('bicubic copies whole positions exactly and reproduces a linear ramp in the interior', () => {
    const big = Float32Array.from({ length: 100 }, (_, i) => 3 * Math.floor(i / 10) - 2 * (i % 10));
    const out = resampleFloat(
      big,
      10,
      10,
      1,
      mapOf([
        [4, 6],
        [4.5, 5.25],
        [3.1, 6.9],
      ]),
      'bicubic',
    );
    expect(out[0]).toBe(3 * 4 - 2 * 6);
    // Catmull-Rom reproduces linear functions: 3 * 4.5 - 2 * 5.25 = 3.
    expect(out[1]).toBeCloseTo(3, 5);
    expect(out[2]).toBeCloseTo(3 * 3.1 - 2 * 6.9, 5);
  });

  it('keeps channels apart', () => {
    const rgb = Float32Array.from([1, 2, 3, 4, 5, 6]); // 1 x 2 pixels, 3 channels
    const out = resampleFloat(
      rgb,
      1,
      2,
      3,
      mapOf([
        [0, 1],
        [0, 0.5],
      ]),
      'bilinear',
    );
    expect(Array.from(out)).toEqual([4, 5, 6, 2.5, 3.5, 4.5]);
  });
});

describe('resampleLabels', () => {
  it('takes the nearest label, mirrored outside', () => {
    const labels = { data: Int32Array.from([1, 2, 3, 4, 5, 6]), height: 2, width: 3 };
    const out = resampleLabels(
      labels,
      mapOf([
        [0.4, 1.6],
        [-1, -1],
        [0, 3],
      ]),
    );
    expect(Array.from(out.data)).toEqual([3, 5, 2]);
  });
});
