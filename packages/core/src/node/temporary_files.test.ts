import { spawnSync } from 'node:child_process';
import { existsSync, utimesSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeStaleTemporaryFiles, temporaryFileFor } from './temporary_files.js';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'unet-temporaries-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('temporaryFileFor', () => {
  it('names the file, this machine and this process, and differs on each call', () => {
    const name = temporaryFileFor('/out/mask.png');
    expect(name.startsWith(`/out/mask.png.writer~${hostname()}~${process.pid}~`)).toBe(true);
    expect(name.endsWith('.tmp')).toBe(true);
    expect(temporaryFileFor('/out/mask.png')).not.toBe(name);
  });
});

describe('removeStaleTemporaryFiles', () => {
  it('removes the temporary files of ended processes of this machine and old ones of other machines, and no other file', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    const names = {
      killed: `img_000.png.writer~${hostname()}~${gone}~0~0123abcd.tmp`,
      writing: path.basename(temporaryFileFor(path.join(folder, 'img_000.png'))),
      elsewhereFresh: 'img_000_overlay.png.writer~other-host~4242~0~0123abcd.tmp',
      elsewhereOld: 'img_000_overlay.png.4243-0-0123abcd.tmp',
      otherImage: `img_111.png.writer~${hostname()}~${gone}~0~0123abcd.tmp`,
      mask: 'img_000.png',
    };
    for (const name of Object.values(names)) await writeFile(path.join(folder, name), 'x');
    const longAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(path.join(folder, names.elsewhereOld), longAgo, longAgo);

    const removed = await removeStaleTemporaryFiles(folder, { prefix: 'img_000' });
    expect(removed.map((file) => path.basename(file)).sort()).toEqual([names.elsewhereOld, names.killed].sort());
    expect((await readdir(folder)).sort()).toEqual([names.elsewhereFresh, names.mask, names.otherImage, names.writing].sort());
    // Without a prefix, every stale one in the folder.
    expect((await removeStaleTemporaryFiles(folder)).map((file) => path.basename(file))).toEqual([names.otherImage]);
    expect(existsSync(path.join(folder, names.writing))).toBe(true);
  });

  it('finds nothing in a folder that does not exist', async () => {
    expect(await removeStaleTemporaryFiles(path.join(folder, 'absent'))).toEqual([]);
  });
});
