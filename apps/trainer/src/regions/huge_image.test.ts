import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodePng, readLabelImage } from '@unet/data/node';
import { createUNet, presetConfig, saveUNet } from '@unet/model';
import { fileSystem } from '@unet/model/node';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { runWithPeakMemory } from '../bench/peak_memory.js';
import { cli } from '../jobs/__fixtures__/tiny_segmentation.js';

// 400 million pixels through even a one-channel U-Net take minutes on two CPU cores: run on
// request (UNET_HUGE_TESTS=1), as the benchmarks are.
const side = Number(process.env.UNET_HUGE_SIDE ?? 20_000);
const enabled = process.env.UNET_HUGE_TESTS === '1';
const work = mkdtempSync(path.join(tmpdir(), 'unet-huge-'));
afterAll(() => (process.env.UNET_KEEP ? undefined : rmSync(work, { recursive: true, force: true })));

const unetWithPeakMemory = (args: readonly string[]) => runWithPeakMemory(cli, args);

describe('a huge image', () => {
  it(`of ${side} x ${side} px, a tiled TIFF, segments region by region into a tiled BigTIFF in bounded memory, equal to the whole-image result where checked`, async (context) => {
    if (!enabled) context.skip('takes minutes on two cores; run with UNET_HUGE_TESTS=1 (UNET_HUGE_SIDE=N for another size)');
    const image = path.join(work, 'huge.tif');
    // libvips makes the noise and writes the TIFF a strip at a time: the test never holds the image either.
    await sharp({
      create: { width: side, height: side, channels: 3, background: 0, noise: { type: 'gaussian', mean: 128, sigma: 40 } },
      limitInputPixels: false,
    })
      .toColourspace('b-w')
      .tiff({ tile: true, tileWidth: 256, tileHeight: 256, bigtiff: true })
      .toFile(image);
    tf.enableProdMode();
    await tf.setBackend('cpu');
    const modelFolder = path.join(work, 'model');
    const network = createUNet(presetConfig('small', { baseChannels: 2, depth: 2, seed: 4 }));
    await saveUNet(network, fileSystem(modelFolder), { classNames: ['background', 'object'], labelMapping: { values: [0, 255] } });
    network.dispose();
    const tile = 512;
    const margin = 16;
    const out = path.join(work, 'out');
    const run = await unetWithPeakMemory([
      'predict',
      '--model',
      modelFolder,
      image,
      '--out',
      out,
      '--backend',
      'wasm',
      '--tile',
      String(tile),
      '--context-margin',
      String(margin),
      ...(side * side > 2 ** 26 ? [] : ['--by-regions']),
    ]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(new RegExp(`huge.tif: ${side}x${side} region by region in`));
    process.stdout.write(
      `${JSON.stringify({ case: 'huge-image', side, model: 'small preset, base 2, depth 2', tile, margin, seconds: Number(run.seconds.toFixed(1)), peakRssMiB: Math.round(run.peakBytes / 2 ** 20) })}\n`,
    );
    expect(run.peakBytes).toBeLessThan(2 * 2 ** 30);

    const mask = path.join(out, 'huge.tif');
    expect(
      readFileSync(mask)
        .subarray(0, 4)
        .equals(Buffer.from([0x49, 0x49, 43, 0])),
    ).toBe(true);
    expect(await sharp(mask, { limitInputPixels: false }).metadata()).toMatchObject({ width: side, height: side, channels: 1 });
    // Windows of up to 3 x 3 tiles whose origins lie on the tile grid: segmentImage on the window
    // alone cuts the same tiles as on the whole image. Its centre tile's context lies inside the
    // window, and its tiles at the image's own borders are mirrored there as in the whole image:
    // those must equal the mask pixel for pixel. The last window ends at the image's corner,
    // with its cut last tiles.
    const lastOrigin = Math.floor((side - 1) / tile) * tile;
    const middle = Math.floor(side / 2 / tile) * tile;
    const windows = (
      [
        [0, 0],
        [middle, Math.max(0, middle - 3 * tile)],
        [lastOrigin - 2 * tile, lastOrigin - 2 * tile],
      ] as const
    ).map(([top, left]) => ({
      top,
      left,
      height: Math.min(3 * tile, side - top),
      width: Math.min(3 * tile, side - left),
      file: path.join(work, 'windows', `window_${top}_${left}.png`),
    }));
    mkdirSync(path.join(work, 'windows'));
    for (const window of windows) {
      const pixels = await sharp(image, { limitInputPixels: false }).extract(window).toColourspace('b-w').raw().toBuffer();
      writeFileSync(window.file, encodePng({ width: window.width, height: window.height, channels: 1, data: pixels }));
    }
    // The reference: the same command's whole-image path on each window, in a process of the same kind.
    const reference = path.join(work, 'reference');
    const whole = await unetWithPeakMemory([
      'predict',
      '--model',
      modelFolder,
      path.join(work, 'windows'),
      '--out',
      reference,
      '--backend',
      'wasm',
      '--tile',
      String(tile),
      '--context-margin',
      String(margin),
    ]);
    expect(whole.code, whole.output).toBe(0);
    let objectPixels = 0;
    let comparedPixels = 0;
    for (const { top, left, height, width, file } of windows) {
      const expected = (await readLabelImage(path.join(reference, path.basename(file)))).data;
      const written = await sharp(mask, { limitInputPixels: false })
        .extract({ top, left, width, height })
        .toColourspace('b-w')
        .raw()
        .toBuffer();
      expect(written.length).toBe(height * width);
      const comparable = (block: number, origin: number, size: number) =>
        block === 1 || (block === 0 && origin === 0) || (block === 2 && origin + size === side);
      for (let blockRow = 0; blockRow < 3; blockRow++) {
        for (let blockColumn = 0; blockColumn < 3; blockColumn++) {
          if (!comparable(blockRow, top, height) || !comparable(blockColumn, left, width)) continue;
          let differing = 0;
          for (let row = blockRow * tile; row < Math.min(height, (blockRow + 1) * tile); row++) {
            for (let column = blockColumn * tile; column < Math.min(width, (blockColumn + 1) * tile); column++) {
              const index = row * width + column;
              if (written[index] !== expected[index]) differing++;
              comparedPixels++;
              if (expected[index] === 255) objectPixels++;
            }
          }
          expect(differing, `window at ${top},${left}, tile ${blockRow},${blockColumn}`).toBe(0);
        }
      }
    }
    // An arbitrary (untrained) network, but one whose mask holds both classes where compared: a constant mask would match anything.
    expect(objectPixels).toBeGreaterThan(0);
    expect(objectPixels).toBeLessThan(comparedPixels);
  }, 3_600_000);
});
