import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nativeAddonStatus } from './addon_status.js';

const status = nativeAddonStatus();
const linux = process.platform === 'linux';
const thpSetting = '/sys/kernel/mm/transparent_hugepage/enabled';
// 'always' or 'madvise' (the one marked in brackets): where an advised array gets huge pages.
const thpOnAdvice = linux && existsSync(thpSetting) && /\[(always|madvise)\]/.test(readFileSync(thpSetting, 'utf8'));

// The kernel's share of huge pages (AnonHugePages) in this process, in bytes.
function anonymousHugePages(): number {
  const match = /AnonHugePages:\s+(\d+) kB/.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

describe.skipIf(!status.available)('adviseHugePages (the addon)', () => {
  const addon = status.available ? status.addon : undefined;

  it.skipIf(!linux)("advises a new array's whole 2 MiB stretches, and nothing in one too small to hold one", () => {
    const large = new Float32Array(6 * 262_144); // 6 MiB: at least 2 whole aligned 2 MiB pages, however it lies
    const advised = addon!.adviseHugePages(large);
    expect(advised % (2 << 20)).toBe(0);
    expect(advised).toBeGreaterThanOrEqual(2 * (2 << 20));
    expect(advised).toBeLessThanOrEqual(large.byteLength);
    expect(addon!.adviseHugePages(new Float32Array(1000))).toBe(0);
  });

  it('leaves the contents as they are, and the array usable', () => {
    const array = new Float32Array(3 * 262_144);
    for (let index = 0; index < array.length; index += 997) array[index] = index;
    addon!.adviseHugePages(array);
    for (let index = 0; index < array.length; index += 997) expect(array[index]).toBe(index);
    array.fill(2.5);
    expect(array[array.length - 1]).toBe(2.5);
  });

  it.skipIf(!thpOnAdvice)('gives the first write 2 MiB pages where the system grants them on advice', () => {
    const before = anonymousHugePages();
    const array = new Float32Array(16 * 262_144);
    addon!.adviseHugePages(array);
    array.fill(1);
    // The kernel may find no free 2 MiB page (memory fragmented), so at least one, not all.
    expect(anonymousHugePages() - before).toBeGreaterThanOrEqual(2 << 20);
  });
});

describe.skipIf(!status.available)('releasePages (the addon)', () => {
  const addon = status.available ? status.addon : undefined;

  // Resident memory of this process, from the kernel's own count.
  const residentBytes = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;

  it.skipIf(!linux)("gives a written array's whole pages back: resident memory falls, and the array reads as zeros", () => {
    const array = new Float32Array(16 * 262_144); // 16 MiB
    array.fill(1);
    const before = residentBytes();
    const released = addon!.releasePages(array);
    expect(released % 4096).toBe(0);
    expect(released).toBeGreaterThanOrEqual(array.byteLength - 8192);
    expect(before - residentBytes()).toBeGreaterThan(8 * 1024 * 1024);
    expect(array[array.length >> 1]).toBe(0);
    expect(addon!.releasePages(new Float32Array(100))).toBe(0); // holds no whole page
  });
});
