import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import '@unet/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainInBrowser } from './train_in_browser.js';

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('trainInBrowser', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('lowers the loss on synthetic cells, previews, and leaves only the returned model in memory', async () => {
    const before = tf.memory().numTensors;
    const steps: number[] = [];
    const previews: number[] = [];
    const { model, losses } = await trainInBrowser(
      { kind: 'cells', steps: 10, tileSize: 32, batchSize: 2, learningRate: 0.003, seed: 1, previewEvery: 5 },
      {
        onStep: (step) => {
          steps.push(step);
        },
        onPreview: (preview) => previews.push(preview.probabilities.length),
      },
    );
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(previews).toEqual([32 * 32 * 2, 32 * 32 * 2]);
    expect(losses).toHaveLength(10);
    expect(mean(losses.slice(-3))).toBeLessThan(0.8 * mean(losses.slice(0, 3)));
    expect(model.metadata.classNames).toEqual(['background', 'cell']);
    expect(tf.memory().numTensors).toBe(before + model.namedWeights().length);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("trains on a user's image and mask, keeping the mask's values, and stops when asked", async () => {
    // A bright disc (class 1, stored as 200) on a dark ground (class 0, stored as 0), 48 x 40.
    const height = 48;
    const width = 40;
    const mask = Int32Array.from({ length: height * width }, (_, pixel) =>
      Math.hypot(Math.floor(pixel / width) - 24, (pixel % width) - 20) < 12 ? 1 : 0,
    );
    const image = Float32Array.from(mask, (label) => 0.2 + 0.6 * label);
    let asked = 0;
    const { model, losses } = await trainInBrowser(
      {
        kind: 'em',
        steps: 50,
        tileSize: 32,
        batchSize: 1,
        learningRate: 0.003,
        seed: 2,
        previewEvery: 100,
        pair: { image, mask, height, width, classNames: ['value 0', 'value 200'], maskValues: [0, 200] },
      },
      { shouldStop: () => ++asked > 3 },
    );
    expect(losses).toHaveLength(3);
    expect(model.metadata).toMatchObject({ classNames: ['value 0', 'value 200'], labelMapping: { values: [0, 200] } });
    model.dispose();
    await expect(
      trainInBrowser({
        kind: 'em',
        steps: 1,
        tileSize: 64,
        batchSize: 1,
        learningRate: 0.003,
        seed: 2,
        previewEvery: 1,
        pair: { image, mask, height, width, classNames: ['a', 'b'], maskValues: [0, 1] },
      }),
    ).rejects.toThrow(/48 x 40, smaller than the 64-pixel tiles; choose a smaller tile size/);
  });
});
