import type * as tf from '@tensorflow/tfjs-core';
import { heNormal, weightSeed } from '../initializers.js';
import type { ParameterStore } from '../parameters.js';

/** What a layer needs while it creates its weights: the store and the seed sequence. */
export class BuildContext {
  private weightIndex = 0;

  constructor(
    readonly store: ParameterStore,
    private readonly seed: number,
  ) {}

  /** A He-initialised trainable weight (see initializers.ts). */
  heWeight(name: string, shape: number[], fanIn: number): tf.Variable {
    return this.store.add(name, heNormal(shape, fanIn, weightSeed(this.seed, this.weightIndex++)));
  }

  /** A weight that starts at `initial` everywhere (biases, batch norm's gamma and beta). */
  constantWeight(name: string, initial: tf.Tensor, trainable = true): tf.Variable {
    return this.store.add(name, initial, trainable);
  }
}
