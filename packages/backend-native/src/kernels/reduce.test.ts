import { describe, expect, it } from 'vitest';
import { blockView } from './reduce.js';

describe('blockView', () => {
  it('views NHWC reductions as [outer, reduce, inner]', () => {
    expect(blockView([4, 8, 8, 16], [0, 1, 2])).toEqual([1, 256, 16]);
    expect(blockView([4, 8, 8, 16], [1, 2])).toEqual([4, 64, 16]);
    expect(blockView([4, 8, 8, 16], [3])).toEqual([256, 16, 1]);
  });

  it('ignores size-1 dims between reduced axes, and refuses a kept axis between them', () => {
    expect(blockView([1, 8, 1, 16], [1, 3])).toEqual([1, 128, 1]);
    expect(blockView([4, 8, 8, 16], [0, 2])).toBeUndefined();
  });
});
