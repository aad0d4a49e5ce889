import * as tf from '@tensorflow/tfjs-core';
import { ADAM_UPDATE_KERNEL, createOptimizer } from '@unet/train';
import { describeWithBackends, expectArraysClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { countDispatches } from '../dispatch_counter.js';
import { adamUpdateKernelName } from './adam_update.js';

const shapes: number[][] = [[3, 3, 2, 4], [5], [2, 2, 3, 1]];

interface State {
  values: Float32Array[];
  /** getWeights: the iteration count, then the first and the second moments. */
  weights: { name: string; values: Float32Array }[];
}

// Three steps of createOptimizer's Adam on fixed gradients (each step's different), read back
// asynchronously (tfjs-backend-webgpu's dataSync needs OffscreenCanvas, which Node lacks).
async function threeSteps(backend: string): Promise<State> {
  tf.setBackend(backend);
  const variables = shapes.map((shape, index) => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', index + 1)));
  const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
  for (let step = 0; step < 3; step++) {
    const gradients = variables.map((variable, index) => ({
      name: variable.name,
      // Seeds from 1: tfjs draws seed 0 at random.
      tensor: tf.randomNormal(variable.shape, 0, 1 + step, 'float32', 1 + 10 * step + index),
    }));
    optimizer.applyGradients(gradients);
    tf.dispose(gradients.map((gradient) => gradient.tensor));
  }
  const named = await optimizer.getWeights();
  const state = {
    values: (await Promise.all(variables.map((variable) => variable.data()))) as Float32Array[],
    weights: await Promise.all(named.map(async (entry) => ({ name: entry.name, values: (await entry.tensor.data()) as Float32Array }))),
  };
  tf.dispose([...variables, named[0].tensor]);
  optimizer.dispose();
  return state;
}

describeWithBackends(
  'UnetAdamUpdate (Adam in three elementwise dispatches per variable)',
  (backend) => {
    it("is registered under the name of @unet/train's contract, and is what createOptimizer's Adam runs", () => {
      expect(adamUpdateKernelName).toBe(ADAM_UPDATE_KERNEL);
      tf.setBackend(backend);
      const variables = shapes.map((shape) => tf.variable(tf.zeros(shape)));
      const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
      const gradients = variables.map((variable) => ({ name: variable.name, tensor: tf.onesLike(variable) }));
      optimizer.applyGradients(gradients); // the moments are made at the first step
      const before = tf.memory().numTensors;
      const count = countDispatches(() => optimizer.applyGradients(gradients));
      expect(tf.memory().numTensors).toBe(before);
      // Three per variable, and the two beta powers (tfjs's own ops); tfjs's Adam takes about 14 per variable.
      expect(new Map(count.byProgram).get('AdamUpdateProgram')).toBe(3 * shapes.length);
      expect(count.total).toBe(3 * shapes.length + 2);
      tf.dispose([...variables, ...gradients.map((gradient) => gradient.tensor)]);
      optimizer.dispose();
    });

    it("gives the values and the state (moments, iterations) of tfjs's Adam on cpu within 1e-6", async () => {
      const expected = await threeSteps('cpu');
      const actual = await threeSteps(backend);
      for (const [index, values] of expected.values.entries()) expectArraysClose(actual.values[index], values, 1e-6);
      // The iteration count, then each variable's first moments, then its second ones (tfjs's layout).
      const kinds = (state: State) => state.weights.map((entry) => entry.name.replace(/^.*\//, ''));
      expect(kinds(actual)).toEqual(['iter', 'm', 'm', 'm', 'v', 'v', 'v']);
      expect(kinds(expected)).toEqual(kinds(actual));
      for (const [index, entry] of expected.weights.entries()) expectArraysClose(actual.weights[index].values, entry.values, 1e-6, 1e-5);
    });
  },
  ['webgpu'],
);
