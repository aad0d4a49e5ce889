import { existsSync, readFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { nativeAddonStatus } from './addon_status.js';

const status = nativeAddonStatus();
const linux = process.platform === 'linux';
const hugePage = 2 * 1024 * 1024;
const thpSetting = '/sys/kernel/mm/transparent_hugepage/enabled';
// 'always' or 'madvise' (the one marked in brackets): where advised memory gets huge pages.
const thpOnAdvice = linux && existsSync(thpSetting) && /\[(always|madvise)\]/.test(readFileSync(thpSetting, 'utf8'));

// The kernel's count of this process's memory in huge pages (AnonHugePages), in bytes.
function anonymousHugePages(): number {
  const match = /AnonHugePages:\s+(\d+) kB/.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

// Resident memory of this process, from the kernel's own count.
const residentBytes = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;

describe.skipIf(!status.available)('page buffers (the addon)', () => {
  const addon = status.available ? status.addon : undefined;

  it('maps zeros in whole 2 MiB pages', () => {
    const buffer = addon!.pageBuffer(hugePage + 1);
    expect(buffer.byteLength).toBe(2 * hugePage);
    const values = new Float32Array(buffer);
    expect(values.every((value) => value === 0)).toBe(true);
    values.fill(1.5);
    expect(values[values.length - 1]).toBe(1.5);
    expect(addon!.pageBuffer(1).byteLength).toBe(hugePage);
    addon!.freePageBuffer(buffer);
  });

  it.skipIf(!linux)("gathers donors' contents in order, with the last one's excess apart, and detaches the donors", () => {
    const first = addon!.pageBuffer(hugePage);
    const second = addon!.pageBuffer(3 * hugePage);
    new Float32Array(first).fill(1);
    new Float32Array(second).fill(2);
    const secondView = new Float32Array(second);
    // 2 MiB from first, 2 of second's 6: the other 4 are the leftover.
    const [made, leftover, ...rest] = addon!.gatherPageBuffer([first, second], 2 * hugePage);
    expect(rest).toEqual([]);
    expect(made.byteLength).toBe(2 * hugePage);
    const values = new Float32Array(made);
    const quarter = hugePage / 4;
    expect(values[0]).toBe(1);
    expect(values[quarter - 1]).toBe(1);
    expect(values[quarter]).toBe(2);
    expect(values[2 * quarter - 1]).toBe(2);
    expect(leftover.byteLength).toBe(2 * hugePage);
    expect(new Float32Array(leftover).every((value) => value === 2)).toBe(true);
    expect(first.byteLength).toBe(0);
    expect(second.byteLength).toBe(0);
    expect(secondView.length).toBe(0); // a stale view reaches nothing
    addon!.freePageBuffer(made);
    addon!.freePageBuffer(leftover);
  });

  it('makes fresh zeros for what the donors do not cover, with no leftover', () => {
    const donor = addon!.pageBuffer(hugePage);
    new Float32Array(donor).fill(3);
    const result = addon!.gatherPageBuffer([donor], 3 * hugePage);
    expect(result).toHaveLength(1);
    const values = new Float32Array(result[0]);
    expect(values.length).toBe((3 * hugePage) / 4);
    expect(values[values.length - 1]).toBe(0);
    expect(values[hugePage / 4]).toBe(0);
    addon!.freePageBuffer(result[0]);
  });

  it('refuses, naming the fault, a buffer it did not make, one already gathered, a donor twice and a donor not needed', () => {
    expect(() => addon!.freePageBuffer(new ArrayBuffer(8))).toThrow(/not one that pageBuffer made/);
    const gone = addon!.pageBuffer(1);
    addon!.freePageBuffer(gone);
    expect(() => addon!.gatherPageBuffer([gone], 1)).toThrow(/not one that pageBuffer made, or it was gathered or freed already/);
    const twice = addon!.pageBuffer(1);
    expect(() => addon!.gatherPageBuffer([twice, twice], 4 * hugePage)).toThrow(/distinct/);
    const spare = addon!.pageBuffer(1);
    expect(() => addon!.gatherPageBuffer([twice, spare], hugePage)).toThrow(/pass only those needed/);
    expect(twice.byteLength).toBe(hugePage); // nothing was taken from a refused call
    expect(() => addon!.pageBuffer(0)).toThrow(/whole number of at least 1/);
    addon!.freePageBuffer(twice);
    addon!.freePageBuffer(spare);
  });

  // V8 starts a mark-compact when its count of external memory rises 64 MiB above the lowest it
  // was since the last one. Detaching 60 MiB of donors before the new buffer existed set that low
  // 60 MiB down, so 8 MiB fresh after the gather started one in every round (and 16-19 in 9 small
  // forward passes). One round in five may meet a collection that something else started.
  it.skipIf(!linux)('gathers without making V8 count the moved pages as new memory (no mark-compact after it)', async () => {
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    let majorCollections = 0;
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if ((entry as unknown as { detail: { kind: number } }).detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorCollections++;
      }
    });
    observer.observe({ entryTypes: ['gc'] });
    const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
    const rounds = 5;
    let roundsWithCollections = 0;
    try {
      const held: unknown[] = [];
      for (let round = 0; round < rounds; round++) {
        const donors = [addon!.pageBuffer(15 * hugePage), addon!.pageBuffer(15 * hugePage)];
        collect();
        await pause();
        const before = majorCollections;
        const [made] = addon!.gatherPageBuffer(donors, 30 * hugePage);
        held.push(made, new ArrayBuffer(4 * hugePage));
        // Some allocation, at which a collection V8 asked for would run.
        for (let index = 0; index < 1000; index++) held.push({ index });
        await pause();
        if (majorCollections > before) roundsWithCollections++;
        addon!.freePageBuffer(made!);
      }
    } finally {
      observer.disconnect();
    }
    expect(roundsWithCollections).toBeLessThanOrEqual(1);
  });

  it('counts the bytes of the page buffers that are neither freed nor gathered', () => {
    const before = addon!.pageBufferBytes();
    const first = addon!.pageBuffer(hugePage);
    const second = addon!.pageBuffer(hugePage + 1);
    expect(addon!.pageBufferBytes() - before).toBe(3 * hugePage);
    const [made, leftover] = addon!.gatherPageBuffer([second], hugePage);
    expect(addon!.pageBufferBytes() - before, 'moved pages counted once').toBe(3 * hugePage);
    const [grown] = addon!.gatherPageBuffer([first], 2 * hugePage);
    expect(addon!.pageBufferBytes() - before, 'with the fresh page').toBe(4 * hugePage);
    for (const buffer of [made!, leftover!, grown!]) addon!.freePageBuffer(buffer);
    expect(addon!.pageBufferBytes()).toBe(before);
  });

  it.skipIf(!linux)('gives memory back at once when freed', () => {
    const buffer = addon!.pageBuffer(16 * hugePage);
    new Float32Array(buffer).fill(1);
    const before = residentBytes();
    addon!.freePageBuffer(buffer);
    expect(before - residentBytes()).toBeGreaterThan(16 * 1024 * 1024);
    expect(buffer.byteLength).toBe(0);
  });

  it.skipIf(!thpOnAdvice)('gives a first write 2 MiB pages where the system grants them on advice', () => {
    const before = anonymousHugePages();
    const buffer = addon!.pageBuffer(16 * hugePage);
    new Float32Array(buffer).fill(1);
    // The kernel may find no free 2 MiB page (memory fragmented), so at least one, not all.
    expect(anonymousHugePages() - before).toBeGreaterThanOrEqual(hugePage);
    addon!.freePageBuffer(buffer);
  });
});
