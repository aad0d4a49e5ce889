import * as tf from '@tensorflow/tfjs-core';
import {
  type Dataset,
  type Sample,
  createBatchPlan,
  createBatchSource,
  createRandom,
  createSamplingMap,
  cropSamplingMap,
  drawTrainingTile,
  resolveAugmentation,
  tileMargin,
} from '@unet/data';
import type { BatchSourceOptions, SamplingMap } from '@unet/data';
import { describeWithBackends } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { WebGPUBatchSourceError, createWebGPUBatchSource } from '@unet/backend-webgpu';

const ignoreLabel = 255;

// How close the GPU's tiles must come to the CPU's. The GPU computes each source position in
// float32 (the CPU in float64): about 1e-5 px off for positions below 100 px. Image and weights
// are continuous in the position (bilinear and bicubic interpolation, mirrored at the border),
// so on noise (the steepest [0, 1] image, |change| < 2 per px) the values move by some 2e-5,
// plus float32 rounding of the taps' sums, the mean and the power of the gray-value change.
// Measured here (SwiftShader): at most 6.7e-6 for images, 1.4e-5 relative for weights, so
// these bounds hold some 7 times the error seen and still fail any wrong tap or weight.
const imageTolerance = 5e-5;
const weightRelativeTolerance = 1e-4;
// A nearest pixel (labels, nearest weights, the ignore label's zero) can go either way only
// where the source position lies within float32's error of a half pixel; 1e-3 px is 100 times
// that error. Everywhere else labels must be equal.
const roundingMargin = 1e-3;

/** Noise images (the steepest a [0, 1] image gets, so the largest change per pixel of shift) and masks with some ignored pixels. */
function noiseDataset(count: number, height: number, width: number, channels: number, ignore: boolean): Dataset {
  const random = createRandom(11, 'fixture', height, width, channels);
  const samples: Sample[] = Array.from({ length: count }, (_, index) => {
    const image = Float32Array.from({ length: height * width * channels }, () => random.uniform());
    // Blobs of classes (a weight map with borders), every 13th pixel ignored when asked.
    const mask = Int32Array.from({ length: height * width }, (_, i) =>
      ignore && i % 13 === 0 ? ignoreLabel : Math.sin((i % width) * 0.3 + index) * Math.cos(Math.floor(i / width) * 0.25) > 0.1 ? 1 : 0,
    );
    return {
      id: `noise-${index}`,
      image: { data: image, height, width, channels },
      mask: { data: mask, height, width },
      classNames: ['background', 'object'],
    };
  });
  return {
    name: 'noise',
    size: count,
    classNames: ['background', 'object'],
    channels,
    ignoreLabel: ignore ? ignoreLabel : undefined,
    ids: samples.map((sample) => sample.id),
    get: async (index) => samples[index],
    async *[Symbol.asyncIterator]() {
      yield* samples;
    },
  };
}

/** Whether a source position lies within `margin` px of where Math.round changes its pixel (x.5): float32 may round it either way. */
function nearRoundingEdge(position: number, margin: number): boolean {
  return Math.abs(position - Math.floor(position) - 0.5) < margin;
}

/** For each output-tile pixel of each slot of a step: whether the nearest source pixel is ambiguous in float32. */
async function ambiguousPixels(options: BatchSourceOptions & { dataset: Dataset }, step: number): Promise<boolean[]> {
  const plan = createBatchPlan(options);
  const augmentation = resolveAugmentation(options.augmentation);
  const margin = tileMargin(options.inputSize, options.outputSize);
  const flags: boolean[] = [];
  for (const tile of await plan.plan(step)) {
    const { geometry } = drawTrainingTile(tile.sample.image.height, tile.sample.image.width, tile.random, options.outputSize, augmentation);
    const inputMap = createSamplingMap(geometry, options.inputSize, options.inputSize);
    const map: SamplingMap = cropSamplingMap(inputMap, margin, margin, options.outputSize, options.outputSize);
    for (let i = 0; i < map.rows.length; i++)
      flags.push(nearRoundingEdge(map.rows[i], roundingMargin) || nearRoundingEdge(map.columns[i], roundingMargin));
  }
  plan.dispose();
  return flags;
}

interface Difference {
  imageMaxAbs: number;
  weightMaxRelative: number;
  /** Mask or weight pixels that differ where the nearest source pixel is not ambiguous. */
  clearMismatches: number;
  ambiguous: number;
  /** Output-tile pixels looked at. */
  compared: number;
}

async function compare(options: BatchSourceOptions & { dataset: Dataset; classes: number }, steps: number[]): Promise<Difference> {
  const cpu = createBatchSource(options);
  const gpu = createWebGPUBatchSource(options);
  const difference: Difference = { imageMaxAbs: 0, weightMaxRelative: 0, clearMismatches: 0, ambiguous: 0, compared: 0 };
  for (const step of steps) {
    const expected = await cpu.batch(step);
    const actual = await gpu.batch(step);
    expect(actual.images.shape).toEqual([options.batchSize, options.inputSize, options.inputSize, options.dataset.channels]);
    expect(actual.masks.shape).toEqual([options.batchSize, options.outputSize, options.outputSize]);
    expect(actual.masks.dtype).toBe('int32');
    const images = await actual.images.data();
    const masks = await actual.masks.data();
    const weights = actual.weights ? await actual.weights.data() : undefined;
    tf.dispose([actual.images, actual.masks, actual.weights]);
    for (let i = 0; i < images.length; i++)
      difference.imageMaxAbs = Math.max(difference.imageMaxAbs, Math.abs(images[i] - expected.images[i]));
    const ambiguous = await ambiguousPixels(options, step);
    expect(weights === undefined).toBe(expected.weights === undefined);
    difference.compared += masks.length;
    for (let i = 0; i < masks.length; i++) {
      if (ambiguous[i]) {
        difference.ambiguous++;
        continue;
      }
      if (masks[i] !== expected.masks[i]) difference.clearMismatches++;
      if (weights && expected.weights) {
        const relative = Math.abs(weights[i] - expected.weights[i]) / Math.max(1, Math.abs(expected.weights[i]));
        difference.weightMaxRelative = Math.max(difference.weightMaxRelative, relative);
      }
    }
  }
  cpu.dispose();
  gpu.dispose();
  return difference;
}

/** Within the float tolerances of the CPU's tiles, equal labels where the nearest pixel is clear, few ambiguous pixels. */
function expectCpuTiles(difference: Difference): void {
  expect(difference.imageMaxAbs).toBeLessThan(imageTolerance);
  expect(difference.weightMaxRelative).toBeLessThan(weightRelativeTolerance);
  expect(difference.clearMismatches).toBe(0);
  // Ambiguous pixels are rare (a share of about 2 axes x 2 roundingMargin = 0.4%): the comparison covers the rest.
  expect(difference.ambiguous).toBeLessThan(0.02 * difference.compared);
}

describeWithBackends('createWebGPUBatchSource (the paper augmentation resampled on the GPU)', () => {
  it('makes the CPU pipeline tiles for several seeds: unpadded 60 -> 20 tiles on 40 x 40 images, bicubic image, bilinear weights', async () => {
    const dataset = noiseDataset(3, 40, 40, 1, false);
    for (const seed of [0, 1, 2, 3]) {
      const difference = await compare({ dataset, batchSize: 2, inputSize: 60, outputSize: 20, seed, classes: 2 }, [0, 1]);
      expectCpuTiles(difference);
    }
  });

  it('three channels, an ignore label, bilinear image and nearest weights, an image smaller than the tile', async () => {
    const dataset = noiseDataset(2, 24, 30, 3, true);
    const augmentation = {
      interpolation: 'bilinear' as const,
      weightInterpolation: 'nearest' as const,
      maxShift: 3,
      minScale: 0.9,
      maxScale: 1.2,
    };
    for (const seed of [5, 6]) {
      const difference = await compare({ dataset, batchSize: 3, inputSize: 32, outputSize: 32, seed, classes: 2, augmentation }, [0]);
      expectCpuTiles(difference);
    }
  });

  it('copies the tiles bit for bit without augmentation (whole-pixel positions)', async () => {
    const dataset = noiseDataset(2, 40, 40, 1, true);
    const difference = await compare(
      { dataset, batchSize: 2, inputSize: 36, outputSize: 16, seed: 4, classes: 2, augmentation: false },
      [0, 1],
    );
    expect(difference).toEqual({ imageMaxAbs: 0, weightMaxRelative: 0, clearMismatches: 0, ambiguous: 0, compared: 2 * 2 * 16 * 16 });
  });

  it('leaks no tensors: a batch is the caller to dispose, and dispose() frees the uploaded samples', async () => {
    const dataset = noiseDataset(3, 40, 40, 1, false);
    const before = tf.memory().numTensors;
    const source = createWebGPUBatchSource({ dataset, batchSize: 2, inputSize: 60, outputSize: 20, seed: 0, cacheSize: 2, classes: 2 });
    for (const step of [0, 1, 2]) {
      const batch = await source.batch(step);
      // At most max(cacheSize, batchSize) = 2 samples of 3 tensors on the device, and the batch's 3.
      expect(tf.memory().numTensors - before).toBeLessThanOrEqual(2 * 3 + 3);
      tf.dispose([batch.images, batch.masks, batch.weights]);
    }
    source.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
}, ['webgpu']);

describeWithBackends('createWebGPUBatchSource on another backend', () => {
  it('says to set the webgpu backend, or to use the CPU pipeline', () => {
    const dataset = noiseDataset(1, 8, 8, 1, false);
    expect(() => createWebGPUBatchSource({ dataset, batchSize: 1, inputSize: 8, outputSize: 8, seed: 0, classes: 2 })).toThrow(
      WebGPUBatchSourceError,
    );
    expect(() => createWebGPUBatchSource({ dataset, batchSize: 1, inputSize: 8, outputSize: 8, seed: 0, classes: 2 })).toThrow(
      /tf.setBackend\('webgpu'\)/,
    );
  });

  it('needs the class count, against which the masks are checked before they go to the GPU', () => {
    const dataset = noiseDataset(1, 8, 8, 1, false);
    const options = { dataset, batchSize: 1, inputSize: 8, outputSize: 8, seed: 0 } as Parameters<typeof createWebGPUBatchSource>[0];
    expect(() => createWebGPUBatchSource(options)).toThrow(/classes must be the network's class count/);
  });
}, ['cpu']);
