import * as tf from '@tensorflow/tfjs-core';
import { ADAM_UPDATE_KERNEL, createOptimizer } from '@unet/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { nativeAddonStatus } from '../addon_status.js';
import { adamUpdateKernelName } from './adam_update.js';

const status = nativeAddonStatus();
// Sizes below and above the addon's threading threshold (32,768 elements).
const shapes: number[][] = [[3, 3, 2, 4], [5], [40, 40, 30]];

describe('Adam update kernel name', () => {
  it("is the one @unet/train's createOptimizer looks for", () => {
    expect(adamUpdateKernelName).toBe(ADAM_UPDATE_KERNEL);
  });
});

interface State {
  values: Float32Array[];
  /** getWeights: the iteration count, then the first and the second moments. */
  weights: { name: string; values: Float32Array }[];
}

// Three steps of createOptimizer's Adam on fixed gradients, different at each step.
async function threeSteps(backend: string): Promise<State> {
  tf.setBackend(backend);
  const variables = shapes.map((shape, index) => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', index + 1)));
  const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
  for (let step = 0; step < 3; step++) {
    const gradients = variables.map((variable, index) => ({
      name: variable.name,
      tensor: tf.randomNormal(variable.shape, 0, 1 + step, 'float32', 1 + 10 * step + index),
    }));
    optimizer.applyGradients(gradients);
    tf.dispose(gradients.map((gradient) => gradient.tensor));
  }
  const named = await optimizer.getWeights();
  const state = {
    values: variables.map((variable) => variable.dataSync() as Float32Array),
    weights: named.map((entry) => ({ name: entry.name, values: entry.tensor.dataSync() as Float32Array })),
  };
  tf.dispose([...variables, named[0].tensor]);
  optimizer.dispose();
  return state;
}

describe.skipIf(!status.available)('UnetAdamUpdate (Adam in one pass per variable)', () => {
  beforeAll(async () => {
    await import('../index.js');
  });

  it('is registered on native and is what createOptimizer runs there: one kernel per variable, no tensor left', () => {
    expect(tf.getKernel(ADAM_UPDATE_KERNEL, 'native')).toBeDefined();
    tf.setBackend('native');
    const variables = shapes.map((shape) => tf.variable(tf.zeros(shape)));
    const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
    const gradients = variables.map((variable) => ({ name: variable.name, tensor: tf.onesLike(variable) }));
    optimizer.applyGradients(gradients); // the moments are made at the first step
    const before = tf.memory().numTensors;
    const profile = tf.profile(() => optimizer.applyGradients(gradients));
    return profile.then((info) => {
      expect(tf.memory().numTensors).toBe(before);
      const names = info.kernels.map((kernel) => kernel.name);
      expect(names.filter((name) => name === ADAM_UPDATE_KERNEL)).toHaveLength(shapes.length);
      // Besides, only the two beta powers' products (tfjs's AdamOptimizer: about 14 kernels per variable).
      expect(names.filter((name) => name !== ADAM_UPDATE_KERNEL)).toEqual(['Multiply', 'Multiply']);
      tf.dispose([...variables, ...gradients.map((gradient) => gradient.tensor)]);
      optimizer.dispose();
    });
  });

  it("gives the values and the state (moments, iterations) of tfjs's Adam on cpu bit for bit", async () => {
    // Each float operation in tfjs's order and rounding: the same floats, not merely close ones.
    const expected = await threeSteps('cpu');
    const actual = await threeSteps('native');
    for (const [index, values] of expected.values.entries()) expect(actual.values[index]).toEqual(values);
    const kinds = (state: State) => state.weights.map((entry) => entry.name.replace(/^.*\//, ''));
    expect(kinds(actual)).toEqual(['iter', 'm', 'm', 'm', 'v', 'v', 'v']);
    expect(kinds(expected)).toEqual(kinds(actual));
    for (const [index, entry] of expected.weights.entries()) expect(actual.weights[index].values).toEqual(entry.values);
  });

  it('refuses operands whose sizes differ from the variable, saying which', () => {
    tf.setBackend('native');
    const addon = (tf.backend() as unknown as { addon: { adamUpdate: (...args: Float32Array[]) => void } }).addon;
    const four = new Float32Array(4);
    expect(() => addon.adamUpdate(four, four, four, new Float32Array(3), new Float32Array(8), four, four, four)).toThrow(/Adam operand/);
  });

  it('writes over the variable and its moments where they hold their memory alone, and leaves a clone and a read array their old values', () => {
    tf.setBackend('native');
    const backend = tf.backend() as unknown as { data: { get(id: tf.DataId): { values: unknown } } };
    const valuesOf = (tensor: tf.Tensor) => backend.data.get(tensor.dataId).values;
    const variable = tf.variable(tf.randomNormal([40, 40, 30], 0, 1, 'float32', 1));
    const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
    const gradient = tf.randomNormal(variable.shape, 0, 1, 'float32', 2);
    const step = () => optimizer.applyGradients([{ name: variable.name, tensor: gradient }]);
    step(); // the first step makes the moments, and the variable's value in the backend's memory
    const memory = valuesOf(variable);
    step();
    expect(valuesOf(variable)).toBe(memory);

    // Read through the backend: a dataSync would hand the memory to JavaScript, which also stops the overwrite.
    const before = (valuesOf(variable) as Float32Array).slice();
    const clone = tf.clone(variable);
    step();
    expect(valuesOf(variable)).not.toBe(memory);
    expect(valuesOf(clone)).toEqual(before);
    expect(valuesOf(variable)).not.toEqual(before);

    const read = variable.dataSync();
    const readBefore = read.slice();
    clone.dispose();
    step();
    expect(read).toEqual(readBefore);
    expect(variable.dataSync()).not.toEqual(readBefore);
    tf.dispose([variable, gradient]);
    optimizer.dispose();
  });

  it('refuses outputs that share memory with an operand without being it', () => {
    tf.setBackend('native');
    const addon = (tf.backend() as unknown as { addon: { adamUpdate: (...args: Float32Array[]) => void } }).addon;
    const [value, gradient, first, second] = [1, 2, 3, 4].map(() => new Float32Array(4));
    const scalars = new Float32Array(8);
    expect(() => addon.adamUpdate(value, gradient, first, second, scalars, value, new Float32Array(4), second)).toThrow(/in place/);
    expect(() => addon.adamUpdate(value, gradient, first, second, scalars, new Float32Array(4), gradient, new Float32Array(4))).toThrow(
      /shares memory/,
    );
  });
});
