import { describe, expect, it } from 'vitest';
import { tileSamplingParameters } from './tile_sampling_parameters.js';

describe('tileSamplingParameters', () => {
  it('lays out centre, flips, turns, cos/scale, sin/scale, grid size and the displacements, in float32', () => {
    const values = tileSamplingParameters({
      centreRow: 10.5,
      centreColumn: 20,
      flipRows: true,
      flipColumns: false,
      quarterTurns: -1,
      rotation: Math.PI / 6,
      scale: 2,
      displacements: { gridSize: 2, values: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8.25]) },
    });
    // -1 quarter turn is 3 (createSamplingMap's turns modulo 4); cos(30 deg) / 2 and sin(30 deg) / 2.
    expect(Array.from(values)).toEqual([10.5, 20, 1, 0, 3, Math.fround(Math.sqrt(3) / 4), Math.fround(0.25), 2, 1, 2, 3, 4, 5, 6, 7, 8.25]);
  });

  it('has grid size 0 and no displacements without an elastic deformation', () => {
    const values = tileSamplingParameters({
      centreRow: 0,
      centreColumn: 0,
      flipRows: false,
      flipColumns: true,
      quarterTurns: 2,
      rotation: 0,
      scale: 1,
    });
    expect(Array.from(values)).toEqual([0, 0, 0, 1, 2, 1, 0, 0]);
  });
});
