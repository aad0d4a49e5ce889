import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runWithPeakMemory } from './peak_memory.js';

const work = mkdtempSync(path.join(tmpdir(), 'unet-peak-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(process.platform !== 'linux')('runWithPeakMemory', () => {
  it("reads the child's own peak memory, which a large buffer it held and freed raises, and its output and exit code", async () => {
    const script = path.join(work, 'hold.mjs');
    // 400 MiB, touched so that it is resident, held for 0.5 s (five samples), then dropped.
    writeFileSync(
      script,
      `let block = Buffer.alloc(400 * 2 ** 20, 1);
       console.log('held', block[12345]);
       await new Promise((resolve) => setTimeout(resolve, 500));
       block = undefined;
       console.error('dropped');
       process.exit(3);`,
    );
    const small = path.join(work, 'small.mjs');
    writeFileSync(small, `await new Promise((resolve) => setTimeout(resolve, 500)); console.log('done');`);
    const [held, quiet] = await Promise.all([runWithPeakMemory(script, []), runWithPeakMemory(small, [])]);
    expect(held.code).toBe(3);
    expect(held.output).toMatch(/held 1[\s\S]*dropped/);
    expect(held.peakBytes).toBeGreaterThan(400 * 2 ** 20);
    expect(quiet.code).toBe(0);
    expect(quiet.peakBytes).toBeGreaterThan(0);
    expect(quiet.peakBytes).toBeLessThan(held.peakBytes - 300 * 2 ** 20);
    expect(held.seconds).toBeGreaterThan(0.4);
  });
});
