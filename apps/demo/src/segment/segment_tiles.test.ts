import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import '@unet/core';
import { createUNet, presetConfig } from '@unet/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { segmentTiles } from './segment_tiles.js';

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

  it('waits for the page after each of the 4 tiles of a 280 x 300 image, and leaks nothing', async () => {
    // A narrow network (base 4) keeps the four 320-pixel tiles fast.
    const model = createUNet(presetConfig('small', { baseChannels: 4, seed: 3 }));
    const image = { data: pattern(280, 300), height: 280, width: 300, channels: 1 };
    const events: string[] = [];
    const before = tf.memory().numTensors;
    const ours = await segmentTiles(model, image, {
      onProgress: (done, total) => events.push(`tile ${done}/${total}`),
      yieldBetweenTiles: async () => {
        events.push('pause');
        await new Promise((resolve) => setTimeout(resolve, 5));
        events.push('resume');
      },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(ours.tiles).toBe(4);
    // A tile never starts before the page had its turn.
    expect(events).toEqual([1, 2, 3, 4].flatMap((tile) => [`tile ${tile}/4`, 'pause', 'resume']));
    // Each label is the more probable of the two classes, worked out here pixel by pixel.
    const argmax = Int32Array.from({ length: 280 * 300 }, (_, pixel) =>
      ours.probabilities[2 * pixel + 1]! > ours.probabilities[2 * pixel]! ? 1 : 0,
    );
    expect(ours.labels).toEqual(argmax);
    model.dispose();
  });
});
