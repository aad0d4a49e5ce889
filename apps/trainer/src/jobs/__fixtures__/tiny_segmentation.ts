import { mkdirSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { encodePng } from '@unet/data/node';
import { createUNet, presetConfig, saveUNet, type UNetMetadata } from '@unet/model';
import { fileSystem } from '@unet/model/node';

/** The built command line (the tests run `pnpm build` output, as a user would). */
export const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'dist', 'cli.js');

/** The flags that make a job cheap: 32 px tiles with 16 px context on the pure-JS backend, the same in every process. */
export const cheapJobFlags = ['--tile', '32', '--context-margin', '16'];

/**
 * A model folder with an untrained small U-Net of 4 base channels (seeded: its masks are
 * arbitrary but fixed), the metadata unet train writes for 0/255 masks; `seed` and
 * `metadata` make other members of an ensemble.
 */
export async function saveTinyModel(folder: string, seed = 3, metadata: UNetMetadata = {}): Promise<string> {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  const model = createUNet(presetConfig('small', { baseChannels: 4, seed }));
  await saveUNet(model, fileSystem(folder), { classNames: ['background', 'object'], labelMapping: { values: [0, 255] }, ...metadata });
  model.dispose();
  return folder;
}

/** `count` 8-bit gray PNGs of `size` x `size` px with seeded content: IMG_000.png, ... */
export async function writeTinyImages(folder: string, count: number, size = 32): Promise<string[]> {
  mkdirSync(folder, { recursive: true });
  let state = 12345;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 24;
  };
  const files: string[] = [];
  for (let index = 0; index < count; index++) {
    const data = new Uint8Array(size * size);
    for (let pixel = 0; pixel < data.length; pixel++) data[pixel] = next();
    const file = path.join(folder, `img_${String(index).padStart(3, '0')}.png`);
    await writeFile(file, encodePng({ width: size, height: size, channels: 1, data }));
    files.push(file);
  }
  return files;
}

/** A folder data set of 5 images of 32 x 32 px with masks of discs, 0/255. */
export async function writeTinyDataset(folder: string, count = 5): Promise<void> {
  await writeTinyImages(path.join(folder, 'images'), count);
  mkdirSync(path.join(folder, 'masks'), { recursive: true });
  for (let index = 0; index < count; index++) {
    const mask = Uint8Array.from({ length: 32 * 32 }, (_, pixel) =>
      Math.hypot((pixel % 32) - 10 - index, Math.floor(pixel / 32) - 16) < 6 + index ? 255 : 0,
    );
    writeFileSync(path.join(folder, 'masks', `img_${String(index).padStart(3, '0')}.png`), encodePng({ width: 32, height: 32, channels: 1, data: mask }));
  }
}

/** Runs `unet ...` to its end. */
export function unet(args: readonly string[], timeout = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { timeout, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}
