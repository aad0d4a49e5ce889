import { mirrorPadArray } from '@unet/core';
import { describe, expect, it } from 'vitest';
import { NO_AUGMENTATION, PAPER_AUGMENTATION } from '../augment/augmentation.js';
import { createRandom } from '../random.js';
import type { Sample } from '../sample.js';
import { TrainingTileError } from './tile_error.js';
import { extractTrainingTile } from './training_tile.js';

/** numpy 'reflect' written out independently: ... 2 1 | 0 1 2 ... n-1 | n-2 n-3 ... */
function mirrored(index: number, size: number): number {
  let i = index;
  while (i < 0 || i >= size) i = i < 0 ? -i : 2 * (size - 1) - i;
  return i;
}

function rampSample(height: number, width: number): Sample {
  const image = new Float32Array(height * width);
  const mask = new Int32Array(height * width);
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      // Exact in float32 (below 2^24): each pixel names its own position.
      image[row * width + column] = row * 1000 + column;
      mask[row * width + column] = row * 1000 + column;
    }
  }
  return {
    id: 'ramp',
    image: { data: image, height, width, channels: 1 },
    mask: { data: mask, height, width },
    classNames: ['a'],
  };
}

describe('extractTrainingTile without augmentation', () => {
  it('hand-made case: a 4 x 4 image, input 8, output 4 (2 px of mirrored context per side)', () => {
    const sample = rampSample(4, 4);
    const tile = extractTrainingTile(sample, undefined, createRandom(1), { inputSize: 8, outputSize: 4, augmentation: NO_AUGMENTATION });
    // Rows and columns -2..5 of a 4-pixel axis mirror to 2 1 0 1 2 3 2 1.
    const axis = [2, 1, 0, 1, 2, 3, 2, 1];
    const expected = axis.flatMap((row) => axis.map((column) => row * 1000 + column));
    expect(Array.from(tile.image)).toEqual(expected);
    expect(Array.from(tile.mask)).toEqual([0, 1, 2, 3, 1000, 1001, 1002, 1003, 2000, 2001, 2002, 2003, 3000, 3001, 3002, 3003]);
  });

  it('unpadded 252 -> 68: the input tile is the mirror-padded image around the mask tile, for crops anywhere', () => {
    const sample = rampSample(100, 90);
    const margin = 92;
    const padded = mirrorPadArray(sample.image.data, 100, 90, 1, [margin + 100, margin + 100, margin + 100, margin + 100]);
    const paddedWidth = 90 + 2 * (margin + 100);
    for (let seed = 1; seed <= 6; seed++) {
      const tile = extractTrainingTile(sample, undefined, createRandom(seed), {
        inputSize: 252,
        outputSize: 68,
        augmentation: NO_AUGMENTATION,
      });
      const { outputTop, outputLeft } = tile;
      expect(outputTop).toBeGreaterThanOrEqual(0);
      expect(outputTop).toBeLessThanOrEqual(100 - 68);
      expect(outputLeft).toBeLessThanOrEqual(90 - 68);
      // The mask tile is the image's window at (outputTop, outputLeft).
      const window = Array.from({ length: 68 * 68 }, (_, i) => (outputTop + Math.floor(i / 68)) * 1000 + outputLeft + (i % 68));
      expect(Array.from(tile.mask)).toEqual(window);
      // The input tile: the same window grown by 92 px per side, mirrored beyond the image
      // (checked against core's mirrorPadArray and against the hand-written reflection).
      const expected: number[] = [];
      const fromPadded: number[] = [];
      for (let row = 0; row < 252; row++) {
        for (let column = 0; column < 252; column++) {
          const sourceRow = outputTop - margin + row;
          const sourceColumn = outputLeft - margin + column;
          expected.push(mirrored(sourceRow, 100) * 1000 + mirrored(sourceColumn, 90));
          fromPadded.push(padded[(sourceRow + margin + 100) * paddedWidth + sourceColumn + margin + 100]);
        }
      }
      expect(Array.from(tile.image)).toEqual(expected);
      expect(Array.from(tile.image)).toEqual(fromPadded);
      // The centre of the input tile is the mask tile.
      const centre = Array.from({ length: 68 * 68 }, (_, i) => tile.image[(Math.floor(i / 68) + margin) * 252 + (i % 68) + margin]);
      expect(centre).toEqual(Array.from(tile.mask));
    }
  });

  it('a padded network (input = output) crops image and mask alike; an image smaller than the tile is centred and mirrored', () => {
    const sample = rampSample(20, 30);
    const tile = extractTrainingTile(sample, undefined, createRandom(3), { inputSize: 16, outputSize: 16, augmentation: NO_AUGMENTATION });
    expect(Array.from(tile.image)).toEqual(Array.from(tile.mask));
    const small = extractTrainingTile(rampSample(10, 10), undefined, createRandom(3), {
      inputSize: 16,
      outputSize: 16,
      augmentation: NO_AUGMENTATION,
    });
    expect(small.outputTop).toBe(-3);
    expect(small.mask[0]).toBe(3 * 1000 + 3); // row -3, column -3 mirror to 3, 3
  });

  it('rejects sizes that no U-Net has', () => {
    const sample = rampSample(20, 20);
    const options = { augmentation: NO_AUGMENTATION };
    expect(() => extractTrainingTile(sample, undefined, createRandom(1), { ...options, inputSize: 20, outputSize: 9 })).toThrow(
      TrainingTileError,
    );
    expect(() => extractTrainingTile(sample, undefined, createRandom(1), { ...options, inputSize: 8, outputSize: 16 })).toThrow(
      /252 and 68/,
    );
  });
});

describe('extractTrainingTile with augmentation', () => {
  it('keeps the image centre on the mask tile under elastic deformation (nearest image = mask)', () => {
    const sample = rampSample(120, 120);
    const augmentation = { ...PAPER_AUGMENTATION, interpolation: 'nearest' as const, brightness: 0, contrast: 0, gamma: 0 };
    for (let seed = 1; seed <= 4; seed++) {
      const tile = extractTrainingTile(sample, undefined, createRandom(seed), { inputSize: 252, outputSize: 68, augmentation });
      let same = 0;
      for (let row = 0; row < 68; row++) {
        for (let column = 0; column < 68; column++) {
          if (tile.image[(row + 92) * 252 + column + 92] === tile.mask[row * 68 + column]) same++;
        }
      }
      expect(same).toBe(68 * 68);
    }
  });

  it('deforms weights with the mask and zeroes them on ignore pixels', () => {
    const sample = rampSample(64, 64);
    sample.mask.data = Int32Array.from(sample.mask.data, (value) => (value % 1000 < 10 ? 255 : value % 2));
    const weights = Float32Array.from(sample.mask.data, (value) => (value === 255 ? 0 : 1 + value));
    const augmentation = { ...PAPER_AUGMENTATION, weightInterpolation: 'nearest' as const };
    const tile = extractTrainingTile(sample, weights, createRandom(8), { inputSize: 32, outputSize: 32, augmentation, ignoreLabel: 255 });
    expect(Array.from(tile.weights!)).toEqual(Array.from(tile.mask, (value) => (value === 255 ? 0 : 1 + value)));
    expect(tile.mask.filter((value) => value === 255).length).toBeGreaterThan(0);
  });
});
