import * as tf from '@tensorflow/tfjs-core';
import { ADAM_UPDATE_KERNEL } from './adam_kernels.js';

// AdamOptimizer's fields, private in tfjs's types; the update keeps them as tfjs does, so that
// getWeights, setWeights and captureOptimizerState see the same state.
interface AdamFields {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
}

/**
 * tfjs's Adam, whose update of each variable runs the kernel of adam_kernels.ts where the
 * current backend registers it (one kernel call where tfjs runs about 14 ops), and tfjs's own
 * update elsewhere. Its state (moments, beta powers, iterations) is tfjs's, field for field.
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (tf.getKernel(ADAM_UPDATE_KERNEL, tf.getBackend()) === undefined) {
      super.applyGradients(variableGradients);
      return;
    }
    const fields = this as unknown as AdamFields;
    const names = Array.isArray(variableGradients) ? variableGradients.map((entry) => entry.name) : Object.keys(variableGradients);
    const attrs = { learningRate: fields.learningRate, beta1: fields.beta1, beta2: fields.beta2, epsilon: fields.epsilon };
    tf.tidy(() => {
      for (const [index, name] of names.entries()) {
        const value = tf.engine().registeredVariables[name];
        fields.accumulatedFirstMoment[index] ??= {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        fields.accumulatedSecondMoment[index] ??= {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        const gradient: tf.Tensor | undefined = Array.isArray(variableGradients)
          ? variableGradients[index].tensor
          : variableGradients[name];
        if (gradient == null) continue;
        const firstMoment = fields.accumulatedFirstMoment[index].variable;
        const secondMoment = fields.accumulatedSecondMoment[index].variable;
        const [newValue, newFirstMoment, newSecondMoment] = tf
          .engine()
          .runKernel(
            ADAM_UPDATE_KERNEL,
            { value, gradient, firstMoment, secondMoment, accBeta1: fields.accBeta1, accBeta2: fields.accBeta2 },
            attrs as unknown as tf.NamedAttrMap,
          ) as tf.Tensor[];
        firstMoment.assign(newFirstMoment);
        secondMoment.assign(newSecondMoment);
        value.assign(newValue);
      }
      fields.accBeta1.assign(tf.mul(fields.accBeta1, fields.beta1));
      fields.accBeta2.assign(tf.mul(fields.accBeta2, fields.beta2));
    });
    this.incrementIterations();
  }
}
