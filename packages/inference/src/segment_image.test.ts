import * as tf from '@tensorflow/tfjs-core';
import { mirrorPadArray, nearestValidInputSizes } from '@unet/core';
import { type UNet, createUNet, presetConfig } from '@unet/model';
import { describeWithBackends, expectArraysClose, maxAbsoluteDifference } from '@unet/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SegmentImageError } from './errors.js';
import type { ImageArray } from '@unet/core';
import { segmentImage } from './segment_image.js';
import { type TileNetwork, asTileNetwork } from './tile_network.js';

/** A seeded image of uniform noise plus a smooth ramp // [height, width, channels] */
function randomImage(height: number, width: number, channels = 1, seed = 1): ImageArray {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const data = Float32Array.from({ length: height * width * channels }, (_, index) => next() + (index % width) / width);
  return { data, height, width, channels };
}

/**
 * The network run once on the whole image, mirror-padded by `margin` (and on the bottom and
 * right up to a size the network takes), cropped back to the image: what tiling must reproduce.
 */
function untiled(model: UNet, image: ImageArray, margin: number): Float32Array {
  const { depth, padding, classes } = model.config;
  const sizeLoss = padding === 'valid' ? 12 * 2 ** depth - 8 : 0;
  const paddedSize = (size: number) => nearestValidInputSizes(size + 2 * margin, depth, padding).above;
  const paddedHeight = paddedSize(image.height);
  const paddedWidth = paddedSize(image.width);
  const padded = mirrorPadArray(image.data, image.height, image.width, image.channels, [
    margin,
    paddedHeight - image.height - margin,
    margin,
    paddedWidth - image.width - margin,
  ]);
  const output = tf.tidy(() =>
    model.predict(tf.tensor4d(padded, [1, paddedHeight, paddedWidth, image.channels])).dataSync(),
  ) as Float32Array;
  // A padded network's output has the input's size and the image starts `margin` in; an
  // unpadded one loses exactly its margin, so the image starts at 0.
  const outputWidth = paddedWidth - sizeLoss;
  const offset = padding === 'valid' ? 0 : margin;
  const result = new Float32Array(image.height * image.width * classes);
  for (let row = 0; row < image.height; row++) {
    const start = ((row + offset) * outputWidth + offset) * classes;
    result.set(output.subarray(start, start + image.width * classes), row * image.width * classes);
  }
  return result;
}

/** The 8 dihedral transforms of an [height, width, channels] array, by index arithmetic alone. */
function transformArray(values: Float32Array, height: number, width: number, channels: number, k: number) {
  // Forward map: rotate k quarter turns counter-clockwise, then mirror left-right when k >= 4.
  let current = { values, height, width };
  for (let turn = 0; turn < k % 4; turn++) {
    const { values: v, height: h, width: w } = current;
    const rotated = new Float32Array(v.length);
    // out[i][j] = in[j][w - 1 - i]; the output is w x h
    for (let i = 0; i < w; i++)
      for (let j = 0; j < h; j++)
        for (let c = 0; c < channels; c++) {
          rotated[(i * h + j) * channels + c] = v[(j * w + (w - 1 - i)) * channels + c];
        }
    current = { values: rotated, height: w, width: h };
  }
  if (k >= 4) {
    const { values: v, height: h, width: w } = current;
    const mirrored = new Float32Array(v.length);
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++)
        for (let c = 0; c < channels; c++) {
          mirrored[(i * w + j) * channels + c] = v[(i * w + (w - 1 - j)) * channels + c];
        }
    current = { values: mirrored, height: h, width: w };
  }
  return current;
}

function inverseTransformArray(values: Float32Array, height: number, width: number, channels: number, k: number) {
  // Undo the mirror, then turn the other way (three more quarter turns).
  let current = { values, height, width };
  if (k >= 4) current = transformArray(current.values, current.height, current.width, channels, 4);
  return transformArray(current.values, current.height, current.width, channels, (4 - (k % 4)) % 4);
}

describeWithBackends('segmentImage', () => {
  let padded: UNet;
  let unpadded: UNet;
  beforeAll(() => {
    // Padded: the small preset (batch norm, 'same'), depth 2. Unpadded: the paper's network,
    // depth 3 so that its output tiles (8k + 4) are off the 8-pixel pooling grid.
    padded = createUNet(presetConfig('small', { baseChannels: 4, depth: 2, seed: 4 }));
    unpadded = createUNet(presetConfig('paper', { baseChannels: 4, depth: 3, seed: 6 }));
  });
  afterAll(() => {
    padded.dispose();
    unpadded.dispose();
  });

  for (const size of [
    [32, 32],
    [37, 53],
  ]) {
    const [height, width] = size;
    it(`padded network, ${height}x${width}: tiled equals untiled (side by side and Gaussian-blended)`, async () => {
      const image = randomImage(height, width);
      // Margin 32 exceeds the receptive field's radius (8 * 4 - 6 = 26 pixels).
      const reference = untiled(padded, image, 32);
      for (const blend of ['none', 'gaussian'] as const) {
        const result = await segmentImage(padded, image, { outputTileSize: 16, contextMargin: 32, blend, batchSize: 3 });
        expect(result).toMatchObject({ height, width, classes: 2 });
        const difference = maxAbsoluteDifference(result.probabilities, reference);
        expect(difference, blend).toBeLessThan(1e-5);
      }
    });

    it(`unpadded network, ${height}x${width}: tiled equals untiled (side by side and Gaussian-blended)`, async () => {
      const image = randomImage(height, width, 1, 2);
      const reference = untiled(unpadded, image, 44); // (12 * 8 - 8) / 2
      for (const blend of ['none', 'gaussian'] as const) {
        // Output tiles of 20 (input 108) on a 16-pixel grid: several tiles per axis.
        const result = await segmentImage(unpadded, image, { outputTileSize: 20, blend });
        const difference = maxAbsoluteDifference(result.probabilities, reference);
        expect(difference, blend).toBeLessThan(1e-5);
      }
    });
  }

  it('cuts the tile to the image along a shorter axis (rectangular tiles), still equal to untiled', async () => {
    // 20 rows under a 64-pixel tile: tiles of 20 x 64, two of them along the 70 columns.
    const image = randomImage(20, 70, 1, 3);
    const reference = untiled(padded, image, 32);
    const seen: number[] = [];
    const result = await segmentImage(padded, image, {
      outputTileSize: 64,
      contextMargin: 32,
      onProgress: ({ tiles }) => void seen.push(tiles),
    });
    expect(seen).toEqual([2, 2]);
    expect(maxAbsoluteDifference(result.probabilities, reference)).toBeLessThan(1e-5);
    const unpaddedImage = randomImage(30, 90, 1, 5);
    const unpaddedResult = await segmentImage(unpadded, unpaddedImage, { outputTileSize: 60, blend: 'gaussian' });
    expect(maxAbsoluteDifference(unpaddedResult.probabilities, untiled(unpadded, unpaddedImage, 44))).toBeLessThan(1e-5);
  });

  it('gives probabilities that sum to 1 for any image size, and reports progress per batch', async () => {
    const image = randomImage(19, 7);
    const progress: number[] = [];
    const result = await segmentImage(padded, image, {
      outputTileSize: 8,
      batchSize: 2,
      onProgress: ({ tilesDone, tiles }) => void progress.push(tilesDone / tiles),
    });
    expect(result.probabilities).toHaveLength(19 * 7 * 2);
    const sums = Array.from({ length: 19 * 7 }, (_, pixel) => result.probabilities[2 * pixel] + result.probabilities[2 * pixel + 1]);
    expectArraysClose(sums, new Array(19 * 7).fill(1), 1e-6);
    // 3 x 1 tiles of 8 pixels, 2 per batch.
    expect(progress).toEqual([2 / 3, 1]);
  });

  it('awaits onProgress before the next batch (a page repaints there)', async () => {
    const events: string[] = [];
    await segmentImage(padded, randomImage(19, 7), {
      outputTileSize: 8,
      onProgress: async ({ tilesDone }) => {
        events.push(`batch ${tilesDone}`);
        await new Promise((resolve) => setTimeout(resolve, 2));
        events.push('resumed');
      },
    });
    expect(events).toEqual(['batch 1', 'resumed', 'batch 2', 'resumed', 'batch 3', 'resumed']);
  });

  for (const which of ['padded', 'unpadded'] as const) {
    it(`${which}: test-time augmentation is the mean of the 8 transformed images' predictions, transformed back`, async () => {
      const model = which === 'padded' ? padded : unpadded;
      const options = which === 'padded' ? { outputTileSize: 16, contextMargin: 16 } : { outputTileSize: 20 };
      // One square tile covers the image, and its mirrored context is symmetric, so the
      // transforms commute with the tiling.
      const side = which === 'padded' ? 16 : 20;
      const image = randomImage(side, side, 1, 3);
      const augmented = await segmentImage(model, image, { ...options, tta: true });
      const mean = new Float32Array(side * side * 2);
      for (let k = 0; k < 8; k++) {
        const transformed = transformArray(image.data, side, side, 1, k);
        const predicted = await segmentImage(model, { ...image, data: transformed.values }, options);
        const back = inverseTransformArray(predicted.probabilities, side, side, 2, k);
        for (let index = 0; index < mean.length; index++) mean[index] += back.values[index] / 8;
      }
      expectArraysClose(augmented.probabilities, mean, 1e-5);
      // And it is not simply the plain prediction.
      const plain = await segmentImage(model, image, options);
      expect(maxAbsoluteDifference(plain.probabilities, mean)).toBeGreaterThan(1e-4);
    });
  }

  it('holds no tensors after it returns', async () => {
    const before = tf.memory().numTensors;
    await segmentImage(padded, randomImage(20, 20), { outputTileSize: 8, tta: true, blend: 'gaussian' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects an image with the wrong channel count or data length', async () => {
    await expect(segmentImage(padded, randomImage(8, 8, 3))).rejects.toThrow(SegmentImageError);
    await expect(segmentImage(padded, { data: new Float32Array(10), height: 4, width: 4, channels: 1 })).rejects.toThrow(
      /10 values, not height \* width \* channels = 4 \* 4 \* 1/,
    );
  });
}, ['wasm']);

describe('segmentImage with another engine (a TileNetwork)', () => {
  // A stand-in engine whose "probabilities" are its input tile's centre: stitching them must
  // give back the image itself, wherever the tiles fall.
  const identity: TileNetwork = {
    geometry: { depth: 2, padding: 'same', inputChannels: 1, classes: 1 },
    async predictTiles(input, shape) {
      const output = new Float32Array(shape.tiles * shape.outputHeight * shape.outputWidth);
      const top = (shape.inputHeight - shape.outputHeight) / 2;
      const left = (shape.inputWidth - shape.outputWidth) / 2;
      for (let tile = 0; tile < shape.tiles; tile++) {
        for (let row = 0; row < shape.outputHeight; row++) {
          for (let column = 0; column < shape.outputWidth; column++) {
            output[(tile * shape.outputHeight + row) * shape.outputWidth + column] =
              input[(tile * shape.inputHeight + row + top) * shape.inputWidth + column + left];
          }
        }
      }
      return output;
    },
  };

  it('stitches the tiles an engine predicts into the image, tile origins on the grid', async () => {
    const image: ImageArray = { data: Float32Array.from({ length: 37 * 29 }, (_, index) => index), height: 37, width: 29, channels: 1 };
    const result = await segmentImage(identity, image, { outputTileSize: 8, contextMargin: 4, batchSize: 3 });
    expect(result.classes).toBe(1);
    expect(Array.from(result.probabilities)).toEqual(Array.from(image.data));
  });

  it('takes an engine as it is, where a U-Net is wrapped (asTileNetwork)', () => {
    expect(asTileNetwork(identity)).toBe(identity);
  });

  it('names the engine that returns the wrong number of values', async () => {
    const short: TileNetwork = { ...identity, predictTiles: async () => new Float32Array(3) };
    const image: ImageArray = { data: new Float32Array(16 * 16), height: 16, width: 16, channels: 1 };
    await expect(segmentImage(short, image)).rejects.toThrow(/returned 3 values for 1 tile\(s\)/);
  });
});
