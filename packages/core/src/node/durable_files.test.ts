import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomically } from './durable_files.js';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'unet-durable-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('writeFileAtomically', () => {
  it('replaces a file whole, makes missing folders and leaves no temporary file', async () => {
    const file = path.join(folder, 'deep', 'er', 'mask.png');
    await writeFileAtomically(file, 'old');
    await writeFileAtomically(file, new Uint8Array([1, 2, 3]));
    expect(Array.from(await readFile(file))).toEqual([1, 2, 3]);
    expect(await readdir(path.dirname(file))).toEqual(['mask.png']);
  });

  it('gives writers of the same file at the same time their own temporary files', async () => {
    const file = path.join(folder, 'shared.json');
    const contents = Array.from({ length: 20 }, (_, index) => JSON.stringify({ writer: index, padding: 'x'.repeat(10_000) }));
    await Promise.all(contents.map((content) => writeFileAtomically(file, content)));
    // One writer's whole file wins; none is interleaved with another's.
    expect(contents).toContain(await readFile(file, 'utf8'));
    expect(await readdir(folder)).not.toContainEqual(expect.stringMatching(/\.tmp$/));
  });

  it('leaves the old file and no temporary file when the write fails', async () => {
    const file = path.join(folder, 'kept.txt');
    await writeFile(file, 'old');
    await expect(writeFileAtomically(path.join(file, 'inside-a-file'), 'new')).rejects.toThrow();
    expect(await readFile(file, 'utf8')).toBe('old');
  });
});
