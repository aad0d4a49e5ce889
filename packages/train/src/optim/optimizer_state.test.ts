import * as tf from '@tensorflow/tfjs-core';
import '@unet/core';
import { describeWithBackends } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { CheckpointError } from '../errors.js';
import { type OptimizerConfig, createOptimizer } from './optimizers.js';
import { captureOptimizerState, restoreOptimizerState } from './optimizer_state.js';

// Gradients that change from step to step, so that the accumulators matter.
const gradientAt = (step: number) => [Math.sin(step + 1), Math.cos(3 * step) * 2, 0.1 * step - 0.3];

async function train(optimizer: tf.Optimizer, x: tf.Variable, from: number, to: number): Promise<void> {
  for (let step = from; step < to; step++) {
    const g = tf.tensor1d(gradientAt(step));
    optimizer.applyGradients([{ name: x.name, tensor: g }]);
    g.dispose();
  }
}

describeWithBackends('optimizer state', () => {
  const configs: OptimizerConfig[] = [
    { name: 'momentum', learningRate: 0.05, momentum: 0.99 },
    { name: 'adam', learningRate: 0.05 },
    { name: 'sgd', learningRate: 0.05 },
  ];
  for (const config of configs) {
    it(`${config.name}: a restored optimiser continues bit for bit like the uninterrupted one`, async () => {
      const start = [0.5, -1, 2];
      const straight = tf.variable(tf.tensor1d(start));
      const straightOptimizer = createOptimizer(config);
      await train(straightOptimizer, straight, 0, 12);

      const first = tf.variable(tf.tensor1d(start));
      const firstOptimizer = createOptimizer(config);
      // Stopped after 5 steps: there tfjs's own setWeights, which recomputes Adam's beta1^t and
      // beta2^t with pow(), differs in the last bit from the running product (measured: also
      // after 2, 18, 19, 20, 30 and 40 steps, on cpu and wasm); the saved powers fix that.
      await train(firstOptimizer, first, 0, 5);
      const state = await captureOptimizerState(firstOptimizer);
      expect(state.iterations).toBe(5);
      const resumed = tf.variable(first.clone());
      const resumedOptimizer = createOptimizer(config);
      const before = tf.memory().numTensors;
      await restoreOptimizerState(resumedOptimizer, structuredClone(state), 'the test state');
      expect(resumedOptimizer.iterations).toBe(5);
      await train(resumedOptimizer, resumed, 5, 12);

      expect(Array.from(resumed.dataSync())).toEqual(Array.from(straight.dataSync()));
      // Only the restored accumulators are new tensors (none for SGD).
      expect(tf.memory().numTensors - before).toBe(state.weights.length);
      for (const item of [straight, first, resumed, straightOptimizer, firstOptimizer, resumedOptimizer]) item.dispose();
    });
  }

  it('refuses the state of another optimiser class, and an optimiser that has taken steps', async () => {
    const x = tf.variable(tf.tensor1d([1, 2, 3]));
    const adam = createOptimizer({ name: 'adam', learningRate: 0.1 });
    await train(adam, x, 0, 1);
    const state = await captureOptimizerState(adam);
    const momentum = createOptimizer({ name: 'momentum', learningRate: 0.1 });
    await expect(restoreOptimizerState(momentum, state, 'step-4')).rejects.toThrow(CheckpointError);
    await expect(restoreOptimizerState(momentum, state, 'step-4')).rejects.toThrow(/step-4.*Adam.*Momentum/);
    await expect(restoreOptimizerState(adam, state, 'step-4')).rejects.toThrow(/taken 1 steps.*fresh/);
  });
});
