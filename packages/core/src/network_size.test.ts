import { describe, expect, it } from 'vitest';
import {
  InvalidDepthError,
  InvalidTileSizeError,
  inputSizeForOutput,
  isValidInputSize,
  nearestValidInputSizes,
  outputSize,
  validInputSize,
} from './network_size.js';

/**
 * The independent computation: walk one axis through the network layer by layer, as the paper's
 * figure 1 draws it, and return the output size, or undefined where a pooling meets an odd size
 * or a map runs out of pixels.
 */
function simulateNetwork(inputSize: number, depth: number, padding: 'valid' | 'same'): number | undefined {
  // Two 3x3 convolutions; each needs a map of at least 3 pixels when unpadded.
  const doubleConvolve = (size: number): number | undefined => {
    const after = padding === 'same' ? size : size - 4;
    return after >= 1 ? after : undefined;
  };
  let size: number | undefined = inputSize;
  for (let level = 0; level < depth && size !== undefined; level++) {
    size = doubleConvolve(size);
    if (size === undefined || size % 2 !== 0) return undefined;
    size /= 2;
  }
  if (size !== undefined) size = doubleConvolve(size);
  for (let level = 0; level < depth && size !== undefined; level++) {
    size = doubleConvolve(size * 2);
  }
  return size;
}

describe('outputSize', () => {
  it('matches the paper for depth 4 (572 -> 388) and the sizes around it', () => {
    expect(outputSize(572, 4)).toBe(388);
    expect(outputSize(508, 4)).toBe(324);
    expect(outputSize(444, 4)).toBe(260);
    expect(outputSize(252, 4)).toBe(68);
    expect(outputSize(188, 4)).toBe(4);
  });

  it('agrees with a layer-by-layer simulation for depths 1 to 5 and every size up to 800', () => {
    for (const padding of ['valid', 'same'] as const) {
      for (let depth = 1; depth <= 5; depth++) {
        for (let inputSize = 1; inputSize <= 800; inputSize++) {
          const simulated = simulateNetwork(inputSize, depth, padding);
          expect(isValidInputSize(inputSize, depth, padding), `${padding} ${depth} ${inputSize}`).toBe(simulated !== undefined);
          if (simulated === undefined) {
            expect(() => outputSize(inputSize, depth, padding)).toThrow(InvalidTileSizeError);
          } else {
            expect(outputSize(inputSize, depth, padding)).toBe(simulated);
          }
        }
      }
    }
  });

  it("keeps the size with 'same' padding", () => {
    expect(outputSize(512, 4, 'same')).toBe(512);
    expect(outputSize(16, 4, 'same')).toBe(16);
  });

  it('rejects depths that are not whole numbers of at least 1', () => {
    expect(() => outputSize(572, 0)).toThrow(InvalidDepthError);
    expect(() => outputSize(572, 2.5)).toThrow(InvalidDepthError);
  });
});

describe('validInputSize', () => {
  it('returns a valid size unchanged', () => {
    expect(validInputSize(572, 4)).toBe(572);
    expect(validInputSize(18, 1)).toBe(18);
  });

  it('names the size, the depth and the nearest valid sizes', () => {
    let error: unknown;
    try {
      validInputSize(570, 4);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidTileSizeError);
    const invalid = error as InvalidTileSizeError;
    expect(invalid.message).toContain('570 is not a valid input size for an unpadded U-Net of depth 4');
    expect(invalid.message).toContain('use 556 or 572');
    expect(invalid.message).toContain('16k + 188');
    expect(invalid.nearest).toEqual({ below: 556, above: 572 });
    expect(invalid.size).toBe(570);
    expect(invalid.depth).toBe(4);
  });

  it('says when a size is too small to leave any output', () => {
    expect(() => validInputSize(187, 4)).toThrow(/too small .* smallest valid size is 188/);
    expect(() => validInputSize(0, 4)).toThrow(InvalidTileSizeError);
    expect(() => validInputSize(-4, 1)).toThrow(InvalidTileSizeError);
    expect(() => validInputSize(8, 4, 'same')).toThrow(/smallest valid size is 16/);
  });

  it("names multiples of 2^depth for 'same' padding", () => {
    expect(() => validInputSize(570, 4, 'same')).toThrow(
      "570 is not a valid input size for a padded ('same') U-Net of depth 4: use 560 or 576",
    );
  });

  it('rejects sizes that are not whole numbers', () => {
    expect(() => validInputSize(572.5, 4)).toThrow(/whole numbers/);
    expect(() => validInputSize(Number.NaN, 4)).toThrow(InvalidTileSizeError);
  });
});

describe('nearestValidInputSizes', () => {
  it('finds the valid sizes at or around a size, by brute force over the simulation', () => {
    for (const padding of ['valid', 'same'] as const) {
      for (let depth = 1; depth <= 4; depth++) {
        const valid: number[] = [];
        for (let size = 1; size <= 700; size++) {
          if (simulateNetwork(size, depth, padding) !== undefined) valid.push(size);
        }
        for (let size = 1; size <= 600; size++) {
          const below = valid.filter((candidate) => candidate <= size).at(-1);
          const above = valid.find((candidate) => candidate >= size);
          const expected = below === undefined ? { above } : { below, above };
          const label = `${padding} ${depth} ${size}`;
          expect(nearestValidInputSizes(size, depth, padding), label).toEqual(expected);
        }
      }
    }
  });
});

describe('inputSizeForOutput', () => {
  it('gives the paper tile for its output and the next tile up otherwise', () => {
    expect(inputSizeForOutput(388, 4)).toBe(572);
    expect(inputSizeForOutput(389, 4)).toBe(588);
    expect(inputSizeForOutput(1, 4)).toBe(188);
    expect(inputSizeForOutput(100, 4, 'same')).toBe(112);
  });

  it('is the smallest valid input whose simulated output is large enough', () => {
    for (const padding of ['valid', 'same'] as const) {
      for (let depth = 1; depth <= 4; depth++) {
        for (let requested = 1; requested <= 200; requested++) {
          let expected = 1;
          while ((simulateNetwork(expected, depth, padding) ?? 0) < requested) expected++;
          const label = `${padding} ${depth} ${requested}`;
          expect(inputSizeForOutput(requested, depth, padding), label).toBe(expected);
        }
      }
    }
  });

  it('rejects outputs that are not positive whole numbers', () => {
    expect(() => inputSizeForOutput(0, 4)).toThrow(InvalidTileSizeError);
    expect(() => inputSizeForOutput(3.5, 4)).toThrow(InvalidTileSizeError);
  });
});
