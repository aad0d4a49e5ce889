import { describe, expect, it } from 'vitest';
import { AugmentationError } from './augmentation_error.js';
import { resampleFloat } from './interpolate.js';
import { createSamplingMap, cropSamplingMap, identityGeometry } from './sampling_map.js';

// 3 x 3 image 1..9, row-major.
const square = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);

function transformed(geometry: Partial<ReturnType<typeof identityGeometry>>, height = 3, width = 3, data = square): number[] {
  const map = createSamplingMap({ ...identityGeometry(height, width), ...geometry }, height, width);
  return Array.from(resampleFloat(data, height, width, 1, map, 'bicubic'));
}

describe('createSamplingMap', () => {
  it('copies the image with the identity geometry', () => {
    expect(transformed({})).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('flips rows and columns exactly', () => {
    expect(transformed({ flipColumns: true })).toEqual([3, 2, 1, 6, 5, 4, 9, 8, 7]);
    expect(transformed({ flipRows: true })).toEqual([7, 8, 9, 4, 5, 6, 1, 2, 3]);
    // A 2 x 3 image: the centre is a half-pixel position, flips stay exact.
    expect(transformed({ flipRows: true, flipColumns: true }, 2, 3, Float32Array.from([1, 2, 3, 4, 5, 6]))).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it('turns by quarter turns exactly (numpy.rot90 of the image)', () => {
    // numpy.rot90([[1,2,3],[4,5,6],[7,8,9]]) = [[3,6,9],[2,5,8],[1,4,7]]
    expect(transformed({ quarterTurns: 1 })).toEqual([3, 6, 9, 2, 5, 8, 1, 4, 7]);
    expect(transformed({ quarterTurns: 2 })).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(transformed({ quarterTurns: 3 })).toEqual([7, 4, 1, 8, 5, 2, 9, 6, 3]);
    // An even size (4 x 4), whose centre lies between pixels.
    const sixteen = Float32Array.from({ length: 16 }, (_, i) => i);
    expect(transformed({ quarterTurns: 1 }, 4, 4, sixteen)).toEqual([3, 7, 11, 15, 2, 6, 10, 14, 1, 5, 9, 13, 0, 4, 8, 12]);
  });

  it('a rotation by 90 degrees is the quarter turn, up to rounding', () => {
    const turned = createSamplingMap({ ...identityGeometry(5, 5), quarterTurns: 1 }, 5, 5);
    const rotated = createSamplingMap({ ...identityGeometry(5, 5), rotation: Math.PI / 2 }, 5, 5);
    for (let i = 0; i < 25; i++) {
      expect(rotated.rows[i]).toBeCloseTo(turned.rows[i], 12);
      expect(rotated.columns[i]).toBeCloseTo(turned.columns[i], 12);
    }
  });

  it('scales about the centre: scale 2 reads half-pixel steps', () => {
    const map = createSamplingMap({ ...identityGeometry(5, 5), scale: 2 }, 5, 5);
    expect(Array.from(map.columns.subarray(0, 5))).toEqual([1, 1.5, 2, 2.5, 3]);
    expect(Array.from(map.rows.subarray(0, 5))).toEqual([1, 1, 1, 1, 1]);
  });

  it('crops a window out of a map', () => {
    const map = createSamplingMap(identityGeometry(6, 6), 6, 6);
    const window = cropSamplingMap(map, 2, 1, 3, 4);
    expect(window.rows[0]).toBe(2);
    expect(window.columns[0]).toBe(1);
    expect(window.rows[11]).toBe(4);
    expect(window.columns[11]).toBe(4);
    expect(() => cropSamplingMap(map, 4, 0, 3, 3)).toThrow(AugmentationError);
  });
});
