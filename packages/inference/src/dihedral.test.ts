import * as tf from '@tensorflow/tfjs-core';
import '@unet/core';
import { describeWithBackends } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { dihedralTransform, inverseDihedralTransform } from './dihedral.js';

describeWithBackends('dihedral transforms', () => {
  // [[1, 2, 3], [4, 5, 6]] as one 2x3 image with one channel.
  const x = () => tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]);

  it('turns a quarter counter-clockwise for k = 1 and mirrors left-right for k = 4 (worked by hand)', () => {
    // Counter-clockwise: the right column [3, 6] becomes the top row.
    const turned = dihedralTransform(x(), 1);
    expect(turned.shape).toEqual([1, 3, 2, 1]);
    expect(Array.from(turned.dataSync())).toEqual([3, 6, 2, 5, 1, 4]);
    expect(Array.from(dihedralTransform(x(), 2).dataSync())).toEqual([6, 5, 4, 3, 2, 1]);
    expect(Array.from(dihedralTransform(x(), 4).dataSync())).toEqual([3, 2, 1, 6, 5, 4]);
  });

  it('gives 8 different images that the inverse maps back', () => {
    const square = tf.tensor4d(
      Array.from({ length: 9 }, (_, i) => i),
      [1, 3, 3, 1],
    );
    const seen = new Set<string>();
    for (let k = 0; k < 8; k++) {
      const transformed = dihedralTransform(square, k);
      seen.add(Array.from(transformed.dataSync()).join(','));
      expect(Array.from(inverseDihedralTransform(transformed, k).dataSync())).toEqual(Array.from(square.dataSync()));
    }
    expect(seen.size).toBe(8);
  });
}, ['cpu']);
