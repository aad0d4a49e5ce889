import { describe, expect, it } from 'vitest';
import { objectInstances } from './object_instances.js';

describe('objectInstances', () => {
  // Two sure cores joined by a pixel of 0.6: one object as components, two when seeded.
  const row = Float32Array.from([0.1, ...new Array(10).fill(0.95), 0.6, ...new Array(10).fill(0.95), 0.1]);

  it('joins cells through a weak bridge as connected components, and parts them when seeded', () => {
    expect(new Set(objectInstances(row, 1, row.length, 'components'))).toEqual(new Set([0, 1]));
    expect(new Set(objectInstances(row, 1, row.length, 'seeded'))).toEqual(new Set([0, 1, 2]));
  });

  it('leaves the background 0 either way', () => {
    for (const method of ['components', 'seeded'] as const) {
      const objects = objectInstances(row, 1, row.length, method);
      expect([objects[0], objects[row.length - 1]]).toEqual([0, 0]);
    }
  });
});
