import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage_error.js';
import { instanceMethodOf, objectInstances } from './object_instances.js';

describe('objectInstances', () => {
  // Two sure cores joined by a pixel of 0.6: one object as components, two when seeded.
  const row = Float32Array.from([0.1, ...new Array(10).fill(0.95), 0.6, ...new Array(10).fill(0.95), 0.1]);

  it('joins cells through a weak bridge as connected components, and parts them when seeded', () => {
    expect(new Set(objectInstances(row, 1, row.length, 'components'))).toEqual(new Set([0, 1]));
    expect(new Set(objectInstances(row, 1, row.length, 'seeded'))).toEqual(new Set([0, 1, 2]));
  });
});

describe('instanceMethodOf', () => {
  it('takes the flag, else the model metadata, else seeded; refuses other names', () => {
    expect(instanceMethodOf('components', { instanceMethod: 'seeded' })).toBe('components');
    expect(instanceMethodOf(undefined, { instanceMethod: 'components' })).toBe('components');
    expect(instanceMethodOf(undefined, {})).toBe('seeded');
    expect(() => instanceMethodOf('watershed', {})).toThrow(UsageError);
  });
});
