import * as tf from '@tensorflow/tfjs-core';

/**
 * The paper's initialisation (section 3): a Gaussian with standard deviation sqrt(2 / N), N the
 * number of incoming nodes of one neuron. Seeded, and drawn in JavaScript by tfjs, so the same
 * seed gives the same weights on every backend.
 */
export function heNormal(shape: number[], fanIn: number, seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed);
}

/** Derives the seed of one weight from the network's seed, so no two weights share a draw. */
export function weightSeed(networkSeed: number, weightIndex: number): number {
  return networkSeed * 10_007 + weightIndex + 1;
}
