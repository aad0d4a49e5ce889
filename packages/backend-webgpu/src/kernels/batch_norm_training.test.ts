import * as tf from '@tensorflow/tfjs-core';
import { BATCH_NORM_TRAINING_GRAD_KERNEL, BATCH_NORM_TRAINING_KERNEL } from '@unet/model';
import { describeWithBackends, expectArraysClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { batchNormTrainingGradKernelName, batchNormTrainingKernelName } from './batch_norm_training.js';

const epsilon = 1e-3;

// The closed forms of @unet/model's batchNormTraining, in float64 on the CPU: an independent
// computation of the kernels' contract (batch statistics, the normalisation, the gradient).
function reference(x: Float32Array, dy: Float32Array, gamma: Float32Array, beta: Float32Array, channels: number, relu: boolean) {
  const rows = x.length / channels;
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  for (let i = 0; i < x.length; i++) mean[i % channels] += x[i] / rows;
  for (let i = 0; i < x.length; i++) variance[i % channels] += (x[i] - mean[i % channels]) ** 2 / rows;
  const s = variance.map((v) => 1 / Math.sqrt(v + epsilon));
  const y = x.map((value, i) => {
    const c = i % channels;
    const normalised = gamma[c] * (value - mean[c]) * s[c] + beta[c];
    return relu ? Math.max(normalised, 0) : normalised;
  });
  const g = dy.map((value, i) => (relu && y[i] <= 0 ? 0 : value));
  const sum1 = new Float64Array(channels);
  const sum2 = new Float64Array(channels);
  for (let i = 0; i < x.length; i++) {
    sum1[i % channels] += g[i];
    sum2[i % channels] += g[i] * (x[i] - mean[i % channels]);
  }
  const dx = x.map((value, i) => {
    const c = i % channels;
    return gamma[c] * s[c] * (g[i] - sum1[c] / rows - ((value - mean[c]) * s[c] * s[c] * sum2[c]) / rows);
  });
  return { y, mean, variance, dx, dgamma: sum2.map((v, c) => v * s[c]), dbeta: sum1 };
}

const cases = [
  { name: 'four channels, 2 x 32 x 32 (split rows)', shape: [2, 32, 32, 4], relu: false, offset: 0 },
  { name: 'with a fused ReLU', shape: [2, 16, 16, 8], relu: true, offset: 0 },
  { name: '70 channels (two channel groups), a large mean', shape: [1, 9, 7, 70], relu: true, offset: 50 },
];

describeWithBackends(
  'UnetBatchNormTraining[Grad]',
  (backend) => {
    it("names the kernels @unet/model's batchNormTraining looks for", () => {
      expect([batchNormTrainingKernelName, batchNormTrainingGradKernelName]).toEqual([
        BATCH_NORM_TRAINING_KERNEL,
        BATCH_NORM_TRAINING_GRAD_KERNEL,
      ]);
    });

    for (const { name, shape, relu, offset } of cases) {
      it(`${name}: y, mean, variance, dx, dgamma, dbeta equal the closed forms within relative 1e-4`, async () => {
        tf.setBackend(backend);
        const channels = shape[3];
        const x = tf.tidy(() => tf.add(tf.randomNormal(shape, 0, 2, 'float32', 1), offset));
        const dy = tf.randomNormal(shape, 0, 1, 'float32', 2);
        const gamma = tf.randomUniform([channels], 0.5, 1.5, 'float32', 3);
        const beta = tf.randomNormal([channels], 0, 0.5, 'float32', 4);
        const forward = tf
          .engine()
          .runKernel(BATCH_NORM_TRAINING_KERNEL, { x, gamma, beta }, { epsilon, relu } as unknown as tf.NamedAttrMap) as tf.Tensor[];
        const inputs: tf.NamedTensorMap = { dy, x, gamma, mean: forward[1], variance: forward[2] };
        if (relu) inputs.y = forward[0];
        const backward = tf
          .engine()
          .runKernel(BATCH_NORM_TRAINING_GRAD_KERNEL, inputs, { epsilon } as unknown as tf.NamedAttrMap) as tf.Tensor[];
        const [xs, dys, gammas, betas] = (await Promise.all([x, dy, gamma, beta].map((t) => t.data()))) as Float32Array[];
        const expected = reference(xs, dys, gammas, betas, channels, relu);
        const actual = await Promise.all([...forward, ...backward].map((t) => t.data()));
        const named = [expected.y, expected.mean, expected.variance, expected.dx, expected.dgamma, expected.dbeta];
        for (const [index, values] of named.entries()) {
          const scale = Math.max(...Array.from(values, Math.abs));
          expectArraysClose(actual[index], values, 1e-4 * scale);
        }
        tf.dispose([x, dy, gamma, beta, ...forward, ...backward]);
      });
    }
  },
  ['webgpu'],
);
