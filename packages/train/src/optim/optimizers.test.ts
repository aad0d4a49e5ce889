import * as tf from '@tensorflow/tfjs-core';
import '@unet/core';
import { describeWithBackends, expectArraysClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { TrainingConfigError } from '../errors.js';
import { createOptimizer, learningRateOf, resolveOptimizerConfig, setLearningRate } from './optimizers.js';

// x starts at [1, 2]; every step applies the gradient g = [1, -2].
function twoSteps(optimizer: tf.Optimizer, secondRate: number, change = setLearningRate): Float32Array {
  const x = tf.variable(tf.tensor1d([1, 2]));
  const g = tf.tensor1d([1, -2]);
  optimizer.applyGradients([{ name: x.name, tensor: g }]);
  change(optimizer, secondRate);
  optimizer.applyGradients([{ name: x.name, tensor: g }]);
  const values = x.dataSync() as Float32Array;
  x.dispose();
  g.dispose();
  optimizer.dispose();
  return values;
}

describeWithBackends('setLearningRate', () => {
  it('changes the rate of plain SGD: x - 0.1 g - 0.5 g', () => {
    // [1, 2] - 0.1 [1, -2] = [0.9, 2.2]; - 0.5 [1, -2] = [0.4, 3.2]
    expectArraysClose(twoSteps(createOptimizer({ name: 'sgd', learningRate: 0.1 }), 0.5), [0.4, 3.2], 1e-6);
  });

  it('changes the rate of momentum: a1 = g, a2 = 0.9 g + g; x - 0.1 a1 - 0.5 a2', () => {
    // [0.9, 2.2] - 0.5 * 1.9 [1, -2] = [-0.05, 4.1]
    const optimizer = createOptimizer({ name: 'momentum', learningRate: 0.1, momentum: 0.9 });
    expectArraysClose(twoSteps(optimizer, 0.5), [-0.05, 4.1], 1e-6);
  });

  it('is needed for momentum: setting the learningRate field alone leaves the old rate in use', () => {
    const optimizer = createOptimizer({ name: 'momentum', learningRate: 0.1, momentum: 0.9 });
    const fieldOnly = (o: tf.Optimizer, rate: number) => {
      (o as unknown as { learningRate: number }).learningRate = rate;
    };
    // Still 0.1: [0.9, 2.2] - 0.1 * 1.9 [1, -2] = [0.71, 2.58]
    expectArraysClose(twoSteps(optimizer, 0.5, fieldOnly), [0.71, 2.58], 1e-6);
  });

  it('changes the rate of Adam: a constant gradient moves each weight by the rate times its sign', () => {
    // With a constant g the bias-corrected moments are g and g^2, so the step is
    // lr g / (|g| + eps) = lr sign(g): [1, 2] - 0.1 [1, -1] - 0.5 [1, -1] = [0.4, 2.6].
    const optimizer = createOptimizer({ name: 'adam', learningRate: 0.1 });
    expectArraysClose(twoSteps(optimizer, 0.5), [0.4, 2.6], 1e-5);
  });

  it('reads back the rate in use', () => {
    const optimizer = createOptimizer({ name: 'adam', learningRate: 0.1 });
    setLearningRate(optimizer, 0.02);
    expect(learningRateOf(optimizer)).toBe(0.02);
    optimizer.dispose();
  });
});

describeWithBackends('createOptimizer', () => {
  it("defaults momentum to the paper's 0.99 and Adam to 0.9, 0.999, 1e-7", () => {
    expect(resolveOptimizerConfig({ name: 'momentum', learningRate: 0.01 })).toEqual({
      name: 'momentum',
      learningRate: 0.01,
      momentum: 0.99,
      nesterov: false,
    });
    expect(resolveOptimizerConfig({ name: 'adam', learningRate: 0.001 })).toMatchObject({
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    });
  });

  it('rejects a momentum of 1 and an unknown name', () => {
    expect(() => createOptimizer({ name: 'momentum', learningRate: 0.1, momentum: 1 })).toThrow(TrainingConfigError);
    expect(() => createOptimizer({ name: 'rmsprop', learningRate: 0.1 } as never)).toThrow(/'sgd', 'momentum' or 'adam'/);
  });
}, ['cpu']);
