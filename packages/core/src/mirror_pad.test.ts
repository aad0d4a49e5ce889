import * as tf from '@tensorflow/tfjs-core';
import { describeWithBackends, expectTensorsClose } from '@unet/test-utils';
import { describe, expect, it } from 'vitest';
import { MirrorPadError, mirrorPad, mirrorPadArray, reflectIndex } from './mirror_pad.js';

/**
 * The independent computation: numpy's own way of reflect-padding a row (numpy/lib/_arraypad_impl.py),
 * which mirrors at most `size - 1` values at a time about the current edge of the growing row.
 */
function numpyReflect(values: readonly number[], before: number, after: number): number[] {
  if (values.length === 1) return Array<number>(before + 1 + after).fill(values[0]);
  const chunk = values.length - 1;
  let padded = [...values];
  let leftToAdd = before;
  let rightToAdd = after;
  while (leftToAdd > 0 || rightToAdd > 0) {
    const leftCount = Math.min(leftToAdd, chunk);
    const leftChunk = Array.from({ length: leftCount }, (_, offset) => padded[leftCount - offset]);
    padded = [...leftChunk, ...padded];
    leftToAdd -= leftCount;
    const rightCount = Math.min(rightToAdd, chunk);
    const last = padded.length - 1;
    const rightChunk = Array.from({ length: rightCount }, (_, offset) => padded[last - 1 - offset]);
    padded = [...padded, ...rightChunk];
    rightToAdd -= rightCount;
  }
  return padded;
}

// Reference values below were printed by numpy 1.x: np.pad(a, pads, mode='reflect').
const twoByThree = [1, 2, 3, 4, 5, 6]; // [[1, 2, 3], [4, 5, 6]]
const twoByThreePaddedByOneAndTwo = [
  [6, 5, 4, 5, 6, 5, 4],
  [3, 2, 1, 2, 3, 2, 1],
  [6, 5, 4, 5, 6, 5, 4],
  [3, 2, 1, 2, 3, 2, 1],
].flat();
// Pads [3, 2, 5, 4]: larger than the image on every side.
const twoByThreePaddedBeyondItsSize = [
  [5, 4, 5, 6, 5, 4, 5, 6, 5, 4, 5, 6],
  [2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3],
  [5, 4, 5, 6, 5, 4, 5, 6, 5, 4, 5, 6],
  [2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3],
  [5, 4, 5, 6, 5, 4, 5, 6, 5, 4, 5, 6],
  [2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3],
  [5, 4, 5, 6, 5, 4, 5, 6, 5, 4, 5, 6],
].flat();
// [2, 2, 2] image of 1.5 * [0 .. 7], pads [2, 3, 1, 2]: 7 x 5 pixels of 2 channels.
const twoChannelPadded = [
  3, 4.5, 0, 1.5, 3, 4.5, 0, 1.5, 3, 4.5, 9, 10.5, 6, 7.5, 9, 10.5, 6, 7.5, 9, 10.5, 3, 4.5, 0, 1.5, 3, 4.5, 0, 1.5, 3, 4.5, 9, 10.5, 6,
  7.5, 9, 10.5, 6, 7.5, 9, 10.5, 3, 4.5, 0, 1.5, 3, 4.5, 0, 1.5, 3, 4.5, 9, 10.5, 6, 7.5, 9, 10.5, 6, 7.5, 9, 10.5, 3, 4.5, 0, 1.5, 3, 4.5,
  0, 1.5, 3, 4.5,
];

describe('reflectIndex', () => {
  it('mirrors [1, 2, 3] by 4 on each side to [1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3]', () => {
    // By hand: mirroring about index 0 gives x[-1] = x[1], x[-2] = x[2]; x[-3] = x[3] is past the
    // end and mirrors about index 2 onto x[1]; x[-4] = x[4] = x[0]. The right side is symmetric.
    const row = [1, 2, 3];
    const padded = Array.from({ length: 11 }, (_, position) => row[reflectIndex(position - 4, 3)]);
    expect(padded).toEqual([1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3]);
  });

  it('maps every index to 0 for a single pixel', () => {
    for (const index of [-7, -1, 0, 1, 5]) expect(reflectIndex(index, 1)).toBe(0);
  });

  it("agrees with numpy's chunked reflection for sizes 1 to 6 and pads up to 20", () => {
    for (let size = 1; size <= 6; size++) {
      const row = Array.from({ length: size }, (_, index) => index);
      for (let before = 0; before <= 20; before += 3) {
        for (let after = 0; after <= 20; after += 4) {
          const ours = Array.from({ length: before + size + after }, (_, position) => reflectIndex(position - before, size));
          expect(ours, `size ${size}, pads ${before} and ${after}`).toEqual(numpyReflect(row, before, after));
        }
      }
    }
  });

  it('rejects sizes below 1 and fractional indices', () => {
    expect(() => reflectIndex(0, 0)).toThrow(MirrorPadError);
    expect(() => reflectIndex(0.5, 3)).toThrow(MirrorPadError);
  });
});

describe('mirrorPadArray', () => {
  it('pads a 2x3 image within its size as numpy does', () => {
    const padded = mirrorPadArray(Float32Array.from(twoByThree), 2, 3, 1, [1, 1, 2, 2]);
    expect(Array.from(padded)).toEqual(twoByThreePaddedByOneAndTwo);
  });

  it('pads a 2x3 image by more than its size as numpy does, keeping the array type', () => {
    const padded = mirrorPadArray(Uint8Array.from(twoByThree), 2, 3, 1, [3, 2, 5, 4]);
    expect(padded).toBeInstanceOf(Uint8Array);
    expect(Array.from(padded)).toEqual(twoByThreePaddedBeyondItsSize);
  });

  it('keeps channels together', () => {
    const image = Float64Array.from({ length: 8 }, (_, index) => 1.5 * index);
    const padded = mirrorPadArray(image, 2, 2, 2, [2, 3, 1, 2]);
    expect(padded).toBeInstanceOf(Float64Array);
    expect(Array.from(padded)).toEqual(twoChannelPadded);
  });

  it('repeats a 1x1 image everywhere', () => {
    const padded = mirrorPadArray(Int32Array.of(-7, 9), 1, 1, 2, [2, 1, 3, 0]);
    expect(padded).toBeInstanceOf(Int32Array);
    expect(Array.from(padded)).toEqual(Array.from({ length: 4 * 4 }, () => [-7, 9]).flat());
  });

  it('copies the image when every pad is 0', () => {
    const image = Float32Array.from(twoByThree);
    const padded = mirrorPadArray(image, 2, 3, 1, [0, 0, 0, 0]);
    expect(Array.from(padded)).toEqual(twoByThree);
    expect(padded).not.toBe(image);
  });

  it('rejects data of the wrong length and negative or fractional pads', () => {
    const image = Float32Array.from(twoByThree);
    expect(() => mirrorPadArray(image, 3, 3, 1, [1, 1, 1, 1])).toThrow(/6 values, not height \* width/);
    expect(() => mirrorPadArray(image, 2, 3, 1, [-1, 0, 0, 0])).toThrow(MirrorPadError);
    expect(() => mirrorPadArray(image, 2, 3, 1, [0, 0, 1.5, 0])).toThrow(MirrorPadError);
  });
});

describeWithBackends('mirrorPad', () => {
  it('pads within the image size as numpy does (tf.mirrorPad)', () => {
    const x = tf.tensor4d(twoByThree, [1, 2, 3, 1]);
    const padded = mirrorPad(x, [1, 1, 2, 2]);
    expectTensorsClose(padded, { shape: [1, 4, 7, 1], values: twoByThreePaddedByOneAndTwo });
    tf.dispose([x, padded]);
  });

  it('pads beyond the image size as numpy does (gather), and leaks no tensors', () => {
    const x = tf.tensor4d(twoByThree, [1, 2, 3, 1]);
    const before = tf.memory().numTensors;
    const padded = mirrorPad(x, [3, 2, 5, 4]);
    expect(tf.memory().numTensors).toBe(before + 1);
    expectTensorsClose(padded, { shape: [1, 7, 12, 1], values: twoByThreePaddedBeyondItsSize });
    tf.dispose([x, padded]);
  });

  it('keeps channels and images of a batch apart', () => {
    const image = Array.from({ length: 8 }, (_, index) => 1.5 * index);
    const x = tf.tensor4d([...image, ...image.map((value) => value + 100)], [2, 2, 2, 2]);
    const padded = mirrorPad(x, [2, 3, 1, 2]);
    expectTensorsClose(padded, {
      shape: [2, 7, 5, 2],
      values: [...twoChannelPadded, ...twoChannelPadded.map((value) => value + 100)],
    });
    tf.dispose([x, padded]);
  });

  it('repeats a 1x1 image everywhere', () => {
    const x = tf.tensor4d([4], [1, 1, 1, 1]);
    const padded = mirrorPad(x, [1, 2, 0, 3]);
    expectTensorsClose(padded, { shape: [1, 4, 4, 1], values: Array<number>(16).fill(4) });
    tf.dispose([x, padded]);
  });
});
