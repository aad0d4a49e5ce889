import { describe, expect, it } from 'vitest';
import { BufferPool } from './buffer_pool.js';

describe('BufferPool', () => {
  it('gives the smallest kept buffer that holds the length with at most 1/8 to spare', () => {
    const pool = new BufferPool(1 << 20);
    const large = new ArrayBuffer(4 * 110);
    const exact = new ArrayBuffer(4 * 100);
    pool.release(large);
    pool.release(exact);
    expect(pool.take(101)?.buffer).toBe(large); // exact is too small; large has 9/101 to spare
    const view = pool.take(100);
    expect(view?.buffer).toBe(exact);
    expect(view?.length).toBe(100);
    pool.release(new ArrayBuffer(4 * 200));
    expect(pool.take(150)).toBeUndefined(); // 200 would waste a third
    expect(pool.take(99)).toBeUndefined(); // nothing of 99 to 111 elements is left
  });

  it('lets the oldest buffers go when it would pass its limit', () => {
    const pool = new BufferPool(100);
    const first = new ArrayBuffer(60);
    const second = new ArrayBuffer(60);
    pool.release(first);
    pool.release(second); // 120 > 100: first goes
    expect(pool.bytes).toBe(60);
    expect(pool.take(15)?.buffer).toBe(second);
    expect(pool.take(15)).toBeUndefined();
    pool.release(new ArrayBuffer(400)); // larger than the limit: not kept
    expect(pool.bytes).toBe(0);
  });

  it('hands each buffer it lets go, by the limit or too large to keep, to its drop function', () => {
    const dropped: ArrayBuffer[] = [];
    const pool = new BufferPool(100, (buffer) => dropped.push(buffer));
    const first = new ArrayBuffer(60);
    const second = new ArrayBuffer(60);
    const huge = new ArrayBuffer(400);
    pool.release(first);
    expect(dropped).toEqual([]);
    pool.release(second);
    pool.release(huge);
    expect(dropped).toEqual([first, huge]);
    expect(pool.take(15)?.buffer).toBe(second); // a kept buffer is taken, never dropped
    expect(dropped).toHaveLength(2);
  });

  it('drops the kept buffer closest in size when an output of at least makeRoomFromBytes fits none', () => {
    const dropped: ArrayBuffer[] = [];
    const pool = new BufferPool(1000, (buffer) => dropped.push(buffer), 40);
    const small = new ArrayBuffer(8);
    const near = new ArrayBuffer(48);
    const far = new ArrayBuffer(200);
    pool.release(small);
    pool.release(near);
    pool.release(far);
    expect(pool.take(16)).toBeUndefined(); // 64 bytes: none fits, 48 is closest
    expect(dropped).toEqual([near]);
    expect(pool.bytes).toBe(208);
    expect(pool.take(4)).toBeUndefined(); // 16 bytes: under makeRoomFromBytes, nothing dropped
    expect(dropped).toEqual([near]);
    expect(pool.take(2)?.buffer).toBe(small); // a fit is taken, nothing dropped
    expect(pool.take(100)).toBeUndefined(); // 400 bytes: the one left, far, goes
    expect(dropped).toEqual([near, far]);
    expect(pool.bytes).toBe(0);
    expect(pool.take(100)).toBeUndefined(); // nothing kept: nothing to drop
    expect(dropped).toHaveLength(2);
  });
});
