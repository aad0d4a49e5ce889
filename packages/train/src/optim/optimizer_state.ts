import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '../errors.js';

/** A tensor's values with its name and shape, as checkpoints keep them. */
export interface NamedArray {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

/** Everything an optimiser needs to continue exactly where it stopped. */
export interface OptimizerState {
  /** tfjs's class name: 'SGD', 'Momentum', 'Adam', ... */
  className: string;
  /** Steps taken (tfjs's `iterations`). */
  iterations: number;
  /** Its accumulators (momentum; Adam's first and second moments), in variable order. */
  weights: NamedArray[];
  /**
   * Adam's running powers beta1^t and beta2^t. tfjs's setWeights recomputes them with pow(),
   * whose float32 result can differ in the last bit from the product that an uninterrupted run
   * accumulated; keeping them makes a resumed run bit-identical.
   */
  extra: Record<string, number>;
}

interface AdamInternals {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

const adamExtras = ['accBeta1', 'accBeta2'] as const;

/** Copies the optimiser's state out of tensors into plain arrays. */
export async function captureOptimizerState(optimizer: tf.Optimizer): Promise<OptimizerState> {
  const className = optimizer.getClassName();
  const named = await optimizer.getWeights();
  const weights: NamedArray[] = [];
  let iterations = 0;
  for (const [index, { name, tensor }] of named.entries()) {
    const data = (await tensor.data()) as Float32Array | Int32Array;
    if (index === 0) {
      // tfjs makes a new scalar for the iteration count at each getWeights; the rest are its variables.
      iterations = data[0];
      tensor.dispose();
      continue;
    }
    weights.push({ name, shape: [...tensor.shape], dtype: tensor.dtype as NamedArray['dtype'], data: data.slice() });
  }
  const extra: Record<string, number> = {};
  const internals = optimizer as unknown as AdamInternals;
  for (const key of adamExtras) {
    const variable = internals[key];
    if (variable !== undefined) extra[key] = (await variable.data())[0];
  }
  return { className, iterations, weights, extra };
}

/**
 * Gives a fresh optimiser (no step taken yet) a captured state. `source` names the checkpoint
 * in error messages.
 */
export async function restoreOptimizerState(optimizer: tf.Optimizer, state: OptimizerState, source: string): Promise<void> {
  if (optimizer.getClassName() !== state.className) {
    throw new CheckpointError(
      `${source} holds the state of a ${state.className} optimizer, not of the ${optimizer.getClassName()} given: ` +
        `resume with the optimizer the run was started with`,
    );
  }
  if (optimizer.iterations !== 0) {
    throw new CheckpointError(`${source}: the optimizer given has taken ${optimizer.iterations} steps already: pass a fresh one to resume`);
  }
  const tensors = [
    { name: 'iter', tensor: tf.scalar(state.iterations, 'int32') },
    ...state.weights.map(({ name, shape, dtype, data }) => ({ name, tensor: tf.tensor(data, shape, dtype) })),
  ];
  try {
    await optimizer.setWeights(tensors);
  } finally {
    // setWeights makes variables that share these tensors' data; the tensors themselves are ours.
    for (const { tensor } of tensors) tensor.dispose();
  }
  const internals = optimizer as unknown as AdamInternals;
  for (const key of adamExtras) {
    const variable = internals[key];
    const value = state.extra[key];
    if (variable !== undefined && value !== undefined) {
      tf.tidy(() => variable.assign(tf.scalar(value, 'float32')));
    }
  }
}
