import * as tf from '@tensorflow/tfjs-core';
import { LossArgumentError } from '../errors.js';
import type { LossFunction } from './loss_function.js';

/** One term of a combined loss. */
export interface WeightedLossTerm {
  loss: LossFunction;
  /** Its coefficient in the sum. */
  weight: number;
}

/** sum_i weight_i * loss_i: e.g. cross-entropy + Dice, as nnU-Net trains. */
export function combineLosses(terms: readonly WeightedLossTerm[]): LossFunction {
  if (terms.length === 0) throw new LossArgumentError('combineLosses: no terms: pass at least one { loss, weight }');
  for (const [index, term] of terms.entries()) {
    if (typeof term.loss !== 'function' || !Number.isFinite(term.weight)) {
      throw new LossArgumentError(`combineLosses: term ${index} needs a loss function and a finite weight, got weight ${term.weight}`);
    }
  }
  return (logits, target) => tf.tidy(() => tf.addN(terms.map((term) => tf.mul(term.loss(logits, target), term.weight))) as tf.Scalar);
}
