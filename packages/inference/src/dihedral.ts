import * as tf from '@tensorflow/tfjs-core';

/**
 * The 8 symmetries of a square (the dihedral group D4), used for test-time augmentation:
 * transform k rotates by k mod 4 quarter turns (counter-clockwise), then for k >= 4 mirrors
 * left-right. Tensors are // [batch, height, width, channels]; rotations swap height and width.
 */
export const DIHEDRAL_TRANSFORMS = [0, 1, 2, 3, 4, 5, 6, 7] as const;

/** One quarter turn counter-clockwise: out[i][j] = in[j][width - 1 - i] (numpy's rot90). */
function rotateQuarter(x: tf.Tensor4D): tf.Tensor4D {
  return tf.reverse(tf.transpose(x, [0, 2, 1, 3]), 1);
}

/** Applies transform `k` (0 to 7). */
export function dihedralTransform(x: tf.Tensor4D, k: number): tf.Tensor4D {
  checkTransform(k);
  return tf.tidy(() => {
    let y = x;
    for (let turn = 0; turn < k % 4; turn++) y = rotateQuarter(y);
    if (k >= 4) y = tf.reverse(y, 2);
    return k === 0 ? tf.clone(y) : y;
  });
}

/** Undoes transform `k`: inverseDihedralTransform(dihedralTransform(x, k), k) equals x. */
export function inverseDihedralTransform(y: tf.Tensor4D, k: number): tf.Tensor4D {
  checkTransform(k);
  return tf.tidy(() => {
    let x = k >= 4 ? tf.reverse(y, 2) : y;
    // Three quarter turns undo one.
    for (let turn = 0; turn < (4 - (k % 4)) % 4; turn++) x = rotateQuarter(x);
    return x === y ? tf.clone(x) : x;
  });
}

function checkTransform(k: number): void {
  if (!Number.isInteger(k) || k < 0 || k > 7) {
    throw new RangeError(`dihedral: transform ${k} does not exist: use 0 to 7`);
  }
}
