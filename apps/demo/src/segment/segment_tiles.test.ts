import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import '@unet/core';
import { createUNet, presetConfig } from '@unet/model';
import { labelsFromProbabilities, segmentImage } from '@unet/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { inferenceTileOf, segmentTiles } from './segment_tiles.js';

/** A deterministic gray image with structure at several scales. */
function pattern(height: number, width: number): Float32Array {
  return Float32Array.from({ length: height * width }, (_, pixel) => {
    const row = Math.floor(pixel / width);
    const column = pixel % width;
    return 0.5 + 0.3 * Math.sin(row / 7) * Math.cos(column / 11) + 0.2 * Math.sin((row * column) / 500);
  });
}

describe('segmentTiles', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it("gives @unet/train segmentImage's result on a 280 x 300 image of 2 x 2 tiles, pausing after each", async () => {
    // A narrow network (base 4) keeps the four 320-pixel tiles fast.
    const model = createUNet(presetConfig('small', { baseChannels: 4, seed: 3 }));
    const image = { data: pattern(280, 300), height: 280, width: 300, channels: 1 };
    const progress: string[] = [];
    let pauses = 0;
    const before = tf.memory().numTensors;
    const ours = await segmentTiles(model, image, {
      onProgress: (done, total) => progress.push(`${done}/${total}`),
      yieldBetweenTiles: async () => {
        pauses++;
      },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(ours.tiles).toBe(4);
    expect(progress).toEqual(['1/4', '2/4', '3/4', '4/4']);
    expect(pauses).toBe(4);
    const reference = await segmentImage(model, image);
    let largest = 0;
    for (let index = 0; index < ours.probabilities.length; index++) {
      largest = Math.max(largest, Math.abs(ours.probabilities[index] - reference.probabilities[index]));
    }
    // The same tiles through the same network: equal up to float32 summation order.
    expect(largest).toBeLessThan(1e-5);
    expect(ours.labels).toEqual(labelsFromProbabilities(reference.probabilities, 280, 300, 2));
    model.dispose();
  });

  // Rectangular tiles where an axis is shorter than a tile; an unpadded net, whose 388-pixel
  // output tiles are off the 16-pixel grid, so that its stride differs from its tile.
  // A requested tile, as `unet predict` passes the one the model was trained with.
  for (const { preset, height, width, outputTileSize } of [
    { preset: 'small', height: 100, width: 300, outputTileSize: undefined },
    { preset: 'paper', height: 90, width: 420, outputTileSize: undefined },
    { preset: 'small', height: 150, width: 170, outputTileSize: 64 },
  ] as const) {
    it(`gives segmentImage's result for a ${preset}-preset network on a ${height} x ${width} image, tile ${outputTileSize ?? 'default'}`, async () => {
      const model = createUNet(presetConfig(preset, { baseChannels: 4, seed: 5 }));
      const image = { data: pattern(height, width), height, width, channels: 1 };
      const ours = await segmentTiles(model, image, { outputTileSize });
      const reference = await segmentImage(model, image, { outputTileSize });
      expect(ours.tiles).toBeGreaterThan(1);
      let largest = 0;
      for (let index = 0; index < ours.probabilities.length; index++) {
        largest = Math.max(largest, Math.abs(ours.probabilities[index] - reference.probabilities[index]));
      }
      expect(largest).toBeLessThan(1e-5);
      model.dispose();
    });
  }
});

describe('inferenceTileOf', () => {
  it("reads the tile `unet train` saved, as `unet predict` does", () => {
    expect(inferenceTileOf({ inferenceTile: 192, tile: { outputSize: 128 } })).toBe(192);
    expect(inferenceTileOf({ tile: { outputSize: 128 } })).toBe(128);
    expect(inferenceTileOf({})).toBeUndefined();
    expect(inferenceTileOf({ inferenceTile: 'big' })).toBeUndefined();
  });
});
