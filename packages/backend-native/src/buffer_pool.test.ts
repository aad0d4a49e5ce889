import { describe, expect, it } from 'vitest';
import { BufferPool } from './buffer_pool.js';

describe('BufferPool', () => {
  it('gives back a released array for the same length only', () => {
    const pool = new BufferPool(1024);
    const array = new Float32Array(16);
    pool.release(array);
    expect(pool.take(15)).toBeUndefined();
    expect(pool.take(16)).toBe(array);
    expect(pool.take(16)).toBeUndefined();
  });

  it('holds no more than its limit', () => {
    const pool = new BufferPool(100);
    pool.release(new Float32Array(20)); // 80 bytes
    pool.release(new Float32Array(20)); // would be 160: dropped
    expect(pool.bytes).toBe(80);
    pool.take(20);
    expect(pool.bytes).toBe(0);
  });
});
