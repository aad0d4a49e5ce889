import { createStitcher } from '@unet/core';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../sample.js';
import { validationImage } from './validation_tiles.js';

function rampSample(height: number, width: number): Sample {
  const values = Array.from({ length: height * width }, (_, i) => Math.floor(i / width) * 1000 + (i % width));
  return {
    id: 'ramp',
    image: { data: Float32Array.from(values), height, width, channels: 1 },
    mask: { data: Int32Array.from(values), height, width },
    classNames: ['a'],
  };
}

describe('validationImage', () => {
  it('covers every pixel of the image exactly once through the weights, and the image centre lines up with the mask', () => {
    const sample = rampSample(50, 37);
    const { tiles, batch } = validationImage(sample, { inputSize: 40, outputSize: 20 });
    expect(batch.batchSize).toBe(tiles.length);
    expect(tiles).toHaveLength(3 * 2);
    const counts = new Map<number, number>();
    for (let tile = 0; tile < tiles.length; tile++) {
      for (let i = 0; i < 400; i++) {
        const value = batch.masks[tile * 400 + i];
        // Centre of the input tile (10 px margin) = mask tile.
        expect(batch.images[tile * 1600 + (Math.floor(i / 20) + 10) * 40 + (i % 20) + 10]).toBe(value);
        if (batch.weights![tile * 400 + i] === 1) counts.set(value, (counts.get(value) ?? 0) + 1);
      }
    }
    expect(counts.size).toBe(50 * 37);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
  });

  it('an image smaller than one output tile: one tile, its mirrored pixels weighted 0', () => {
    const sample = rampSample(10, 12);
    const { tiles, batch } = validationImage(sample, { inputSize: 40, outputSize: 20 });
    expect(tiles).toHaveLength(1);
    const counted = Array.from(batch.masks).filter((_, i) => batch.weights![i] === 1);
    expect(counted.sort((a, b) => a - b)).toEqual(Array.from(sample.mask.data).sort((a, b) => a - b));
  });

  it('stitches the mask tiles back into the mask with core\'s stitcher', () => {
    const sample = rampSample(30, 45);
    const { tiles, batch } = validationImage(sample, { inputSize: 16, outputSize: 16 });
    const stitcher = createStitcher(30, 45, 1);
    tiles.forEach((tile, index) => stitcher.add(tile, Float32Array.from(batch.masks.subarray(index * 256, (index + 1) * 256))));
    expect(Array.from(stitcher.result())).toEqual(Array.from(sample.mask.data));
  });

  it('gives ignore pixels weight 0', () => {
    const sample = rampSample(8, 8);
    sample.mask.data = Int32Array.from(sample.mask.data, (value) => (value % 1000 === 0 ? 255 : 1));
    const { batch } = validationImage(sample, { inputSize: 8, outputSize: 8 }, 255);
    batch.masks.forEach((value, i) => expect(batch.weights![i]).toBe(value === 255 ? 0 : 1));
  });
});
