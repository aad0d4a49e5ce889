import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.js';
import type { Sample } from '../sample.js';
import { AugmentationError } from './augmentation_error.js';
import { PAPER_AUGMENTATION, augmentSample, drawAugmentation, resolveAugmentation } from './augmentation.js';

const size = 96;

/** A mask of rectangles and disks (classes 0 and 1), instances numbering each shape. */
function shapesSample(): Sample {
  const mask = new Int32Array(size * size);
  const instances = new Int32Array(size * size);
  const shapes: ((row: number, column: number) => boolean)[] = [
    (row, column) => row >= 10 && row < 40 && column >= 8 && column < 30,
    (row, column) => (row - 60) ** 2 + (column - 30) ** 2 < 14 ** 2,
    (row, column) => (row - 30) ** 2 + (column - 70) ** 2 < 18 ** 2,
    (row, column) => row >= 70 && row < 90 && column >= 55 && column < 92,
  ];
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      const shape = shapes.findIndex((inside) => inside(row, column));
      if (shape >= 0) {
        mask[row * size + column] = 1;
        instances[row * size + column] = shape + 1;
      }
    }
  }
  return {
    id: 'shapes',
    // The image equals the mask: any misalignment between the two shows as a difference.
    image: { data: Float32Array.from(mask), height: size, width: size, channels: 1 },
    mask: { data: mask, height: size, width: size },
    instances: { data: instances, height: size, width: size },
    classNames: ['background', 'shape'],
  };
}

const geometryOnly = { ...PAPER_AUGMENTATION, brightness: 0, contrast: 0, gamma: 0, maxShift: 5 };

describe('augmentSample keeps image and ground truth aligned', () => {
  const sample = shapesSample();

  it('nearest for image and mask: they agree exactly, and the deformation moved pixels', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const { sample: out } = augmentSample(sample, createRandom(seed), { ...geometryOnly, interpolation: 'nearest' });
      expect(Array.from(out.image.data)).toEqual(Array.from(out.mask.data));
      let changed = 0;
      for (let i = 0; i < size * size; i++) if (out.mask.data[i] !== sample.mask.data[i]) changed++;
      expect(changed).toBeGreaterThan(200);
      // Instances moved with the mask: foreground exactly where an instance is.
      expect(Array.from(out.instances!.data, (id) => (id > 0 ? 1 : 0))).toEqual(Array.from(out.mask.data));
    }
  });

  it('bicubic image, nearest mask: the rounded image agrees on >= 99% of the pixels away from the border', () => {
    const margin = 8;
    for (let seed = 1; seed <= 5; seed++) {
      const { sample: out } = augmentSample(sample, createRandom(seed), geometryOnly);
      let agree = 0;
      let total = 0;
      for (let row = margin; row < size - margin; row++) {
        for (let column = margin; column < size - margin; column++) {
          const i = row * size + column;
          total++;
          if (Math.round(Math.min(Math.max(out.image.data[i], 0), 1)) === out.mask.data[i]) agree++;
        }
      }
      expect(agree / total).toBeGreaterThanOrEqual(0.99);
    }
  });

  it('deforms a weight map with the same geometry (nearest weights equal the mask where weights = mask)', () => {
    const weights = Float32Array.from(sample.mask.data, (value) => 1 + 9 * value);
    const { sample: out, weights: deformed } = augmentSample(
      sample,
      createRandom(9),
      { ...geometryOnly, weightInterpolation: 'nearest' },
      weights,
    );
    expect(Array.from(deformed!)).toEqual(Array.from(out.mask.data, (value) => 1 + 9 * value));
  });

  it('is the identity with no augmentation and with elastic std 0 and nothing else', () => {
    const { sample: out } = augmentSample(sample, createRandom(3), false);
    expect(out.image.data).toEqual(sample.image.data);
    expect(out.mask.data).toEqual(sample.mask.data);
    const none = { ...geometryOnly, elasticStd: 0, flip: false, quarterTurns: false, maxRotationDegrees: 0, maxShift: 0 };
    const { sample: same } = augmentSample(sample, createRandom(4), none);
    expect(same.image.data).toEqual(sample.image.data);
  });

  it('flips and quarter turns alone are exact permutations of the pixels', () => {
    const dihedral = { ...geometryOnly, elasticStd: 0, maxRotationDegrees: 0, maxShift: 0 };
    for (let seed = 1; seed <= 8; seed++) {
      const draw = drawAugmentation(createRandom(seed), resolveAugmentation(dihedral));
      const { sample: out } = augmentSample(sample, createRandom(seed), dihedral);
      // Where each output pixel comes from, computed by hand: flips, then counter-clockwise turns.
      const expectedMask: number[] = [];
      const expectedImage: number[] = [];
      for (let row = 0; row < size; row++) {
        for (let column = 0; column < size; column++) {
          let r = row;
          let c = column;
          if (draw.flipRows) r = size - 1 - r;
          if (draw.flipColumns) c = size - 1 - c;
          for (let turn = 0; turn < draw.quarterTurns; turn++) [r, c] = [c, size - 1 - r];
          expectedMask.push(sample.mask.data[r * size + c]);
          expectedImage.push(sample.image.data[r * size + c]);
        }
      }
      expect(Array.from(out.mask.data)).toEqual(expectedMask);
      expect(Array.from(out.image.data)).toEqual(expectedImage);
    }
  });

  it('is deterministic in the random stream', () => {
    const a = augmentSample(sample, createRandom(12), geometryOnly).sample;
    const b = augmentSample(sample, createRandom(12), geometryOnly).sample;
    const c = augmentSample(sample, createRandom(13), geometryOnly).sample;
    expect(a.image.data).toEqual(b.image.data);
    expect(a.image.data).not.toEqual(c.image.data);
  });
});

describe('gray-value changes', () => {
  it('change the image only, stay within [0, 1], and leave the mask alone', () => {
    const sample = shapesSample();
    const grayOnly = { elasticStd: 0, flip: false, quarterTurns: false, maxRotationDegrees: 0, brightness: 0.3, contrast: 0.5, gamma: 1 };
    const { sample: out } = augmentSample(sample, createRandom(21), grayOnly);
    expect(out.mask.data).toEqual(sample.mask.data);
    expect(out.image.data).not.toEqual(sample.image.data);
    expect(Math.min(...out.image.data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...out.image.data)).toBeLessThanOrEqual(1);
  });
});

describe('resolveAugmentation', () => {
  it("fills in the paper's defaults and rejects bad values with the fix", () => {
    expect(resolveAugmentation({}).elasticStd).toBe(10);
    expect(resolveAugmentation({}).elasticGridSize).toBe(3);
    expect(() => resolveAugmentation({ elasticStd: -1 })).toThrow(AugmentationError);
    expect(() => resolveAugmentation({ interpolation: 'lanczos' as never })).toThrow(/use 'bicubic'/);
    expect(() => resolveAugmentation({ minScale: 2, maxScale: 1 })).toThrow(/scale range/);
  });
});
