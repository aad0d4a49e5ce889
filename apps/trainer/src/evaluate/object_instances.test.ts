import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage_error.js';
import { instanceMethodOf } from './object_instances.js';

describe('instanceMethodOf', () => {
  it('takes the flag, else the model metadata, else seeded; refuses other names', () => {
    expect(instanceMethodOf('components', 'seeded')).toBe('components');
    expect(instanceMethodOf(undefined, 'components')).toBe('components');
    expect(instanceMethodOf(undefined, undefined)).toBe('seeded');
    expect(() => instanceMethodOf('watershed', undefined)).toThrow(UsageError);
  });
});
