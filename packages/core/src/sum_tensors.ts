import * as tf from '@tensorflow/tfjs-core';

/**
 * The sum of same-shaped tensors by pairwise additions. tf.addN would do it in one kernel, but
 * the WebGPU backend binds every input as a storage buffer of one shader, and WebGPU's default
 * limit is 8 per stage: an addN of more than 7 tensors (the 64 gradient norms of a U-Net, the 8
 * test-time transforms) fails there. A balanced tree keeps float32 rounding as even as addN's.
 */
export function sumTensors<T extends tf.Tensor>(tensors: readonly T[]): T {
  if (tensors.length === 0) throw new RangeError('sumTensors: no tensors to add; pass at least one');
  return tf.tidy(() => {
    let level: tf.Tensor[] = [...tensors];
    while (level.length > 1) {
      const next: tf.Tensor[] = [];
      for (let index = 0; index + 1 < level.length; index += 2) next.push(tf.add(level[index], level[index + 1]));
      if (level.length % 2 === 1) next.push(level[level.length - 1]);
      level = next;
    }
    // A lone input is returned as a copy, so that tidy and the caller own distinct tensors.
    return (tensors.length === 1 ? tf.clone(level[0]) : level[0]) as T;
  });
}
