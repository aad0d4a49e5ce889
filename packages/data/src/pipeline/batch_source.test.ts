import { describe, expect, it } from 'vitest';
import type { TrainingBatch } from '@unet/core';
import type { Dataset, Sample } from '../sample.js';
import { createSyntheticDataset } from '../synthetic/synthetic_dataset.js';
import { BatchSourceError, createBatchSource } from './batch_source.js';

/** A data set of given samples (the index is written into each image so batches show which sample they hold). */
function datasetOf(samples: Sample[], ignoreLabel?: number): Dataset {
  return {
    name: 'test',
    size: samples.length,
    classNames: ['a', 'b'],
    channels: samples[0].image.channels,
    ignoreLabel,
    ids: samples.map((sample) => sample.id),
    get: async (index) => samples[index],
    async *[Symbol.asyncIterator]() {
      yield* samples;
    },
  };
}

function constantSample(index: number, size = 16): Sample {
  const mask = Int32Array.from({ length: size * size }, (_, i) => (i % size < size / 2 ? 0 : 1));
  return {
    id: `s${index}`,
    image: { data: new Float32Array(size * size).fill(index / 10), height: size, width: size, channels: 1 },
    mask: { data: mask, height: size, width: size },
    classNames: ['a', 'b'],
  };
}

function bytesOf(batch: TrainingBatch): Buffer {
  return Buffer.concat([
    Buffer.from(batch.images.buffer, batch.images.byteOffset, batch.images.byteLength),
    Buffer.from(batch.masks.buffer, batch.masks.byteOffset, batch.masks.byteLength),
    batch.weights ? Buffer.from(batch.weights.buffer, batch.weights.byteOffset, batch.weights.byteLength) : Buffer.alloc(0),
  ]);
}

describe('createBatchSource', () => {
  const dataset = createSyntheticDataset({ size: 4, height: 96, width: 96, seed: 3 });

  it('gives batches of the documented shapes for an unpadded net: 252 in, 68 out; masks are class ids, weights > 0', async () => {
    const source = createBatchSource({ dataset, batchSize: 2, inputSize: 252, outputSize: 68, seed: 1, classes: 2 });
    const batch = await source.batch(0);
    expect(batch).toMatchObject({ batchSize: 2, inputHeight: 252, inputWidth: 252, channels: 1, outputHeight: 68, outputWidth: 68 });
    expect(batch.images).toHaveLength(2 * 252 * 252);
    expect(batch.masks).toHaveLength(2 * 68 * 68);
    expect(batch.weights).toHaveLength(2 * 68 * 68);
    expect(new Set(batch.masks)).toEqual(new Set([0, 1]));
    expect(Math.min(...batch.weights!)).toBeGreaterThan(0);
    // The border term makes membranes between cells weigh more than the cells.
    expect(Math.max(...batch.weights!)).toBeGreaterThan(3);
    expect(batch.images.every((value) => value >= 0 && value <= 1)).toBe(true);
    expect(source.stepsPerEpoch).toBe(2);
    source.dispose();
    await expect(source.batch(1)).rejects.toThrow(BatchSourceError);
  });

  it('is deterministic in (seed, step), whatever the order steps are asked in', async () => {
    const options = { dataset, batchSize: 2, inputSize: 64, outputSize: 64, seed: 9 };
    const a = createBatchSource(options);
    const b = createBatchSource(options);
    const c = createBatchSource({ ...options, seed: 10 });
    const later = bytesOf(await b.batch(5));
    expect(bytesOf(await a.batch(0)).equals(bytesOf(await b.batch(0)))).toBe(true);
    expect(bytesOf(await a.batch(5)).equals(later)).toBe(true);
    expect(bytesOf(await a.batch(1)).equals(bytesOf(await a.batch(2)))).toBe(false);
    expect(bytesOf(await c.batch(0)).equals(bytesOf(await a.batch(0)))).toBe(false);
  });

  it('visits every sample once per epoch, in a new order each epoch', async () => {
    const samples = [0, 1, 2, 3, 4].map((index) => constantSample(index));
    const source = createBatchSource({
      dataset: datasetOf(samples),
      batchSize: 2,
      inputSize: 8,
      outputSize: 8,
      seed: 4,
      augmentation: false,
      weightMap: false,
    });
    const order: number[] = [];
    for (let step = 0; step < 5; step++) {
      const batch = await source.batch(step);
      expect(batch.weights).toBeUndefined();
      for (let slot = 0; slot < 2; slot++) order.push(Math.round(batch.images[slot * 64] * 10));
    }
    expect([...order.slice(0, 5)].sort()).toEqual([0, 1, 2, 3, 4]);
    expect([...order.slice(5, 10)].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(order.slice(0, 5)).not.toEqual(order.slice(5, 10));
  });

  it('keeps the ignore label in the masks and gives it weight 0', async () => {
    const sample = constantSample(1, 32);
    for (let i = 0; i < 32 * 32; i++) if (Math.floor(i / 32) % 8 === 0) sample.mask.data[i] = 255;
    const source = createBatchSource({
      dataset: datasetOf([sample], 255),
      batchSize: 3,
      inputSize: 24,
      outputSize: 24,
      seed: 2,
      classes: 2,
    });
    const batch = await source.batch(0);
    let ignored = 0;
    batch.masks.forEach((value, i) => {
      if (value === 255) {
        ignored++;
        expect(batch.weights![i]).toBe(0);
      } else {
        expect(batch.weights![i]).toBeGreaterThan(0);
      }
    });
    expect(ignored).toBeGreaterThan(0);
  });

  it('names the sample, the value and the fix when a mask holds a value that is not a class', async () => {
    const sample = constantSample(0);
    sample.mask.data[5] = 7;
    const source = createBatchSource({ dataset: datasetOf([sample]), batchSize: 1, inputSize: 8, outputSize: 8, seed: 0, classes: 2 });
    await expect(source.batch(0)).rejects.toThrow(/sample 's0' .* holds 7, not a class id 0\.\.1/);
  });

  it('rejects bad options before any work', () => {
    const base = { dataset, batchSize: 1, inputSize: 252, outputSize: 68, seed: 0 };
    expect(() => createBatchSource({ ...base, batchSize: 0 })).toThrow(BatchSourceError);
    expect(() => createBatchSource({ ...base, outputSize: 67 })).toThrow(/differ from it by an even number/);
    expect(() => createBatchSource({ ...base, augmentation: { elasticStd: -2 } })).toThrow(/elasticStd/);
  });
});
