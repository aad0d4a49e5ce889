import { describe, expect, it } from 'vitest';
import { BufferPool } from './buffer_pool.js';

describe('BufferPool', () => {
  it('gives the smallest kept buffer that holds the length with at most 1/8 to spare', () => {
    const pool = new BufferPool({ limitBytes: 1 << 20 });
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
    const pool = new BufferPool({ limitBytes: 100 });
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
    const pool = new BufferPool({ limitBytes: 100, drop: (buffer) => dropped.push(buffer) });
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
    pool.release(first);
    pool.clear();
    expect(dropped).toEqual([first, huge, first]);
    expect(pool.bytes).toBe(0);
  });

  // A gather as the addon's: the donors' bytes in one buffer, and the last one's excess apart.
  function recordingGather() {
    const calls: [ArrayBuffer[], number][] = [];
    const gather = (donors: ArrayBuffer[], bytes: number) => {
      calls.push([donors, bytes]);
      const covered = donors.reduce((sum, donor) => sum + donor.byteLength, 0);
      return covered > bytes ? [new ArrayBuffer(bytes), new ArrayBuffer(covered - bytes)] : [new ArrayBuffer(bytes)];
    };
    return { calls, gather };
  }

  it('gathers an output that fits no kept buffer from the smallest that holds it, and keeps the rest', () => {
    const { calls, gather } = recordingGather();
    const pool = new BufferPool({ limitBytes: 1000, gather, gatherFromBytes: 40 });
    const holds = new ArrayBuffer(200);
    const larger = new ArrayBuffer(400);
    pool.release(larger);
    pool.release(holds);
    const made = pool.take(16); // 64 bytes: 200 holds it with too much to spare
    expect(calls).toEqual([[[holds], 64]]);
    expect(made?.length).toBe(16);
    expect(pool.bytes).toBe(400 + 136); // the 136 left of holds is kept
    expect(pool.take(34)?.buffer.byteLength).toBe(136); // and fits the next output of its size
  });

  it('gathers from the largest kept buffers until covered where none holds the output alone', () => {
    const { calls, gather } = recordingGather();
    const pool = new BufferPool({ limitBytes: 1000, gather, gatherFromBytes: 40 });
    const small = new ArrayBuffer(48);
    const middle = new ArrayBuffer(64);
    const large = new ArrayBuffer(80);
    const tiny = new ArrayBuffer(8); // under gatherFromBytes: never a donor
    for (const buffer of [small, middle, large, tiny]) pool.release(buffer);
    expect(pool.take(34)?.buffer.byteLength).toBe(136); // 136 bytes: large and middle cover 144
    expect(calls).toEqual([[[large, middle], 136]]);
    expect(pool.bytes).toBe(48 + 8 + 8); // small, tiny, and the 8 left over
    expect(pool.take(100)?.buffer.byteLength).toBe(400); // only small can give: the rest is fresh
    expect(calls[1]).toEqual([[small], 400]);
    expect(pool.take(4)).toBeUndefined(); // 16 bytes: under gatherFromBytes, so not gathered
  });

  it('gathers only once the gatherable memory and the output come to more than gatherAbove.bytes', () => {
    const { calls, gather } = recordingGather();
    let mapped = 200;
    const pool = new BufferPool({ limitBytes: 1000, gather, gatherFromBytes: 40, gatherAbove: { bytes: 300, mapped: () => mapped } });
    const kept = new ArrayBuffer(200);
    pool.release(kept);
    expect(pool.take(16)).toBeUndefined(); // 200 + 64 bytes: not above 300, so made afresh
    expect(calls).toEqual([]);
    expect(pool.bytes).toBe(200);
    mapped = 240;
    expect(pool.take(16)?.length).toBe(16); // 240 + 64: gathered
    expect(calls).toEqual([[[kept], 64]]);
  });

  it('without a gather function, leaves an output that fits no kept buffer to the caller', () => {
    const pool = new BufferPool({ limitBytes: 1000 });
    pool.release(new ArrayBuffer(8));
    expect(pool.take(100)).toBeUndefined();
    expect(pool.bytes).toBe(8);
  });
});
