import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodePng, readImage } from '@unet/data/node';
import { createUNet, presetConfig, type UNet } from '@unet/model';
import { labelsFromProbabilities, segmentImage } from '@unet/inference';
import { beforeAll, describe, expect, it } from 'vitest';
import { openImageRegions } from './image_regions.js';
import { segmentByRegions } from './segment_by_regions.js';

const work = mkdtempSync(path.join(tmpdir(), 'unet-by-regions-'));
const [width, height] = [150, 103];
const file = path.join(work, 'image.png');

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('wasm');
  let state = 7;
  const data = Uint8Array.from({ length: width * height }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 24;
  });
  writeFileSync(file, encodePng({ width, height, channels: 1, data }));
});

async function byRegions(model: UNet, options: Parameters<typeof segmentByRegions>[3]) {
  const labels = new Int32Array(width * height);
  const bands: Array<[number, number]> = [];
  await segmentByRegions(
    model,
    await openImageRegions(file, 1),
    async (band, top, rows) => {
      bands.push([top, rows]);
      labels.set(band, top * width);
    },
    options,
  );
  return { labels, bands };
}

async function whole(model: UNet, options: Parameters<typeof segmentImage>[2]) {
  const result = await segmentImage(model, await readImage(file, { channels: 1 }), options);
  return labelsFromProbabilities(result.probabilities, result.height, result.width, result.classes);
}

describe('segmentByRegions', () => {
  it.each([
    ['a padded network, 32 px tiles with 16 px context', { outputTileSize: 32, contextMargin: 16 }],
    ['a padded network, 48 px tiles with no context (plain tiling: still the same tiles)', { outputTileSize: 48, contextMargin: 0 }],
    ['a padded network, test-time augmentation', { outputTileSize: 64, contextMargin: 16, tta: true }],
  ])('equals segmentImage on the whole image pixel for pixel: %s', async (_, options) => {
    const model = createUNet(presetConfig('small', { baseChannels: 4, seed: 5 }));
    const { labels, bands } = await byRegions(model, options);
    const expected = await whole(model, options);
    expect(new Set(expected).size).toBe(2);
    expect(Buffer.from(labels.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    // Bands of the tile's height, top to bottom, the last cut at the image's edge.
    const tile = options.outputTileSize;
    expect(bands).toEqual(
      Array.from({ length: Math.ceil(height / tile) }, (__, index) => [index * tile, Math.min(tile, height - index * tile)]),
    );
    model.dispose();
  });

  it("equals segmentImage for an unpadded network (the paper's tiling: stride below the output tile)", async () => {
    const model = createUNet(presetConfig('paper', { baseChannels: 2, depth: 2, dropout: 0, seed: 9 }));
    const options = { outputTileSize: 36 };
    const { labels } = await byRegions(model, options);
    const expected = await whole(model, options);
    expect(Buffer.from(labels.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    model.dispose();
  });

  it('leaks no tensors', async () => {
    const model = createUNet(presetConfig('small', { baseChannels: 4, seed: 5 }));
    const before = tf.memory().numTensors;
    await byRegions(model, { outputTileSize: 64, contextMargin: 16 });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
