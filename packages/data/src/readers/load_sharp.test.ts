import { describe, expect, it } from 'vitest';
import { MissingDependencyError } from '../errors.js';
import { loadSharp, sharpLoader } from './load_sharp.js';

describe('loadSharp', () => {
  it('loads sharp once and keeps it', async () => {
    const sharp = await loadSharp();
    expect(typeof sharp).toBe('function');
    expect(await loadSharp()).toBe(sharp);
  });

  it('says how to install sharp where it is missing, and tries again next time', async () => {
    let attempts = 0;
    const load = sharpLoader(async () => {
      attempts++;
      throw new Error("Cannot find package 'sharp'");
    });
    await expect(load()).rejects.toThrow(MissingDependencyError);
    await expect(load()).rejects.toThrow(/needs sharp, which did not load \(Cannot find package 'sharp'\): npm install sharp/);
    expect(attempts).toBe(2);
  });
});
