import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { temporaryFileFor } from '@unet/core/node';
import { describe, expect, it } from 'vitest';
import { removeTemporaryFilesOfKilledWriters } from './stale_temporary_files.js';

describe('removeTemporaryFilesOfKilledWriters', () => {
  it("removes a dead writer's temporary files in each folder once, keeps a live one's and the outputs, and says how many", async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'unet-stale-'));
    const [first, second] = [path.join(work, 'a'), path.join(work, 'b')];
    for (const folder of [first, second]) mkdirSync(folder);
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(path.join(first, `x.png.writer~${hostname()}~${dead}~0~0123abcd.tmp`), 'torn');
    writeFileSync(path.join(second, `y.tif.writer~${hostname()}~${dead}~0~89abcdef.tmp`), 'torn');
    const live = path.basename(temporaryFileFor(path.join(first, 'z.png')));
    writeFileSync(path.join(first, live), 'being written');
    writeFileSync(path.join(first, 'done.png'), 'a mask');
    const lines: string[] = [];
    expect(await removeTemporaryFilesOfKilledWriters([first, second, first, path.join(work, 'absent')], (line) => lines.push(line))).toBe(
      2,
    );
    expect(lines).toEqual(['removed 2 temporary file(s) that killed writers left beside the outputs']);
    expect(readdirSync(first).sort()).toEqual(['done.png', live].sort());
    expect(readdirSync(second)).toEqual([]);
    expect(await removeTemporaryFilesOfKilledWriters([first], (line) => lines.push(line))).toBe(0);
    expect(lines).toHaveLength(1);
  });
});
