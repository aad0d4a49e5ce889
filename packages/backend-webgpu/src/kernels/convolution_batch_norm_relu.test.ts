import * as tf from '@tensorflow/tfjs-core';
import { CONVOLUTION_BATCH_NORM_RELU_KERNEL } from '@unet/model';
import { describeWithBackends, expectArraysClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { countDispatches } from '../dispatch_counter.js';
import { convolutionBatchNormReluKernelName } from './convolution_batch_norm_relu.js';

interface Case {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  pad: 'same' | 'valid';
}

// The small preset's blocks (padded, no bias), on and off the vec4 loads, and deep ones whose
// split K takes the batch norm and ReLU in the sum of the splits.
const cases: Case[] = [
  { name: '3 x 3 padded, 4 -> 8 (vec4)', x: [2, 12, 12, 4], filter: [3, 3, 4, 8], pad: 'same' },
  { name: '3 x 3 unpadded, 5 -> 7 (scalar)', x: [1, 13, 11, 5], filter: [3, 3, 5, 7], pad: 'valid' },
  { name: 'deep, 128 -> 8 on 4 x 4: split K', x: [1, 4, 4, 128], filter: [3, 3, 128, 8], pad: 'same' },
  { name: 'deep, 128 -> 6 on 4 x 4: split K, scalar', x: [1, 4, 4, 128], filter: [3, 3, 128, 6], pad: 'same' },
];

const epsilon = 1e-5;

describeWithBackends(
  'UnetConvolutionBatchNormRelu (the forward product with batch norm and ReLU in its tiles)',
  (backend) => {
    it("is registered under the name of @unet/model's contract, and is one dispatch", () => {
      expect(convolutionBatchNormReluKernelName).toBe(CONVOLUTION_BATCH_NORM_RELU_KERNEL);
      tf.setBackend(backend);
      const x = tf.ones([1, 8, 8, 4]);
      const filter = tf.ones([3, 3, 4, 8]);
      const statistic = tf.ones([8]);
      const inputs = { x, filter, gamma: statistic, beta: statistic, mean: statistic, variance: statistic };
      const count = countDispatches(() =>
        tf.dispose(tf.engine().runKernel(CONVOLUTION_BATCH_NORM_RELU_KERNEL, inputs, { pad: 'same', epsilon }) as tf.Tensor),
      );
      expect(count.byProgram).toEqual([['ConvolutionProgram', 1]]);
      tf.dispose([x, filter, statistic]);
    });

    for (const testCase of cases) {
      it(`${testCase.name}: equals relu(batchNorm(conv2d)) on cpu within relative 1e-4`, async () => {
        const channels = testCase.filter[3];
        tf.setBackend('cpu');
        const values = tf.tidy(() => ({
          x: tf.randomNormal(testCase.x, 0, 1, 'float32', 1).dataSync() as Float32Array,
          filter: tf.randomNormal(testCase.filter, 0, 1, 'float32', 2).dataSync() as Float32Array,
          gamma: tf.randomUniform([channels], 0.5, 2, 'float32', 3).dataSync() as Float32Array,
          beta: tf.randomNormal([channels], 0, 1, 'float32', 4).dataSync() as Float32Array,
          mean: tf.randomNormal([channels], 0, 2, 'float32', 5).dataSync() as Float32Array,
          variance: tf.randomUniform([channels], 0.5, 20, 'float32', 6).dataSync() as Float32Array,
        }));
        const operands = () => ({
          x: tf.tensor4d(values.x, testCase.x),
          filter: tf.tensor4d(values.filter, testCase.filter),
          gamma: tf.tensor1d(values.gamma),
          beta: tf.tensor1d(values.beta),
          mean: tf.tensor1d(values.mean),
          variance: tf.tensor1d(values.variance),
        });
        const expectedTensor = tf.tidy(() => {
          const { x, filter, gamma, beta, mean, variance } = operands();
          return tf.relu(tf.batchNorm4d(tf.conv2d(x, filter, 1, testCase.pad), mean, variance, beta, gamma, epsilon));
        });
        const expected = (await expectedTensor.data()) as Float32Array;
        expectedTensor.dispose();
        tf.setBackend(backend);
        const actualTensor = tf.tidy(
          () => tf.engine().runKernel(CONVOLUTION_BATCH_NORM_RELU_KERNEL, operands(), { pad: testCase.pad, epsilon }) as tf.Tensor,
        );
        const actual = (await actualTensor.data()) as Float32Array;
        actualTensor.dispose();
        const scale = expected.reduce((most, value) => Math.max(most, Math.abs(value)), 0);
        expect(scale).toBeGreaterThan(1);
        expect(expected.filter((value) => value === 0).length).toBeGreaterThan(expected.length / 10);
        expectArraysClose(actual, expected, 1e-4 * scale);
      });
    }
  },
  ['webgpu'],
);
