import * as tf from '@tensorflow/tfjs-core';
import { describeWithBackends, expectArraysClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { countDispatches } from '../dispatch_counter.js';

interface Case {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  pad: 'same' | 'valid';
  bias: boolean;
  activation: 'relu' | 'linear';
}

// The U-Net's convolutions with a bias (the paper preset's), with and without the ReLU, on
// and off the vec4 loads, and a deep layer whose split K takes its bias and ReLU in the sum.
const cases: Case[] = [
  {
    name: '3 x 3 padded, 4 -> 8, bias and ReLU (vec4)',
    x: [2, 20, 20, 4],
    filter: [3, 3, 4, 8],
    pad: 'same',
    bias: true,
    activation: 'relu',
  },
  {
    name: '3 x 3 unpadded, 5 -> 7, bias and ReLU (scalar)',
    x: [1, 21, 19, 5],
    filter: [3, 3, 5, 7],
    pad: 'valid',
    bias: true,
    activation: 'relu',
  },
  {
    name: '3 x 3 unpadded, 1 -> 4, bias, no ReLU',
    x: [2, 18, 18, 1],
    filter: [3, 3, 1, 4],
    pad: 'valid',
    bias: true,
    activation: 'linear',
  },
  { name: '1 x 1, 8 -> 2, bias, no ReLU', x: [2, 16, 16, 8], filter: [1, 1, 8, 2], pad: 'valid', bias: true, activation: 'linear' },
  { name: '3 x 3 padded, 8 -> 12, ReLU, no bias', x: [1, 9, 35, 8], filter: [3, 3, 8, 12], pad: 'same', bias: false, activation: 'relu' },
  {
    name: 'deep, 128 -> 8 on 4 x 4, split K, bias and ReLU',
    x: [1, 4, 4, 128],
    filter: [3, 3, 128, 8],
    pad: 'same',
    bias: true,
    activation: 'relu',
  },
  {
    name: 'deep, 128 -> 6 on 4 x 4, split K, bias (scalar)',
    x: [1, 4, 4, 128],
    filter: [3, 3, 128, 6],
    pad: 'same',
    bias: true,
    activation: 'linear',
  },
];

interface Operands {
  x: Float32Array;
  filter: Float32Array;
  bias: Float32Array;
}

// tf.fused.conv2d without gradients runs FusedConv2D, as @unet/model's convolveBiasRelu does
// under the tape. Read back asynchronously (dataSync needs OffscreenCanvas, which Node lacks).
async function fusedConvolution(
  backend: string,
  testCase: Case,
  operands: Operands,
  activation = testCase.activation,
): Promise<Float32Array> {
  tf.setBackend(backend);
  const result = tf.tidy(() =>
    tf.fused.conv2d({
      x: tf.tensor4d(operands.x, testCase.x),
      filter: tf.tensor4d(operands.filter, testCase.filter),
      strides: 1,
      pad: testCase.pad,
      bias: testCase.bias ? tf.tensor1d(operands.bias) : undefined,
      activation,
    }),
  );
  const values = (await result.data()) as Float32Array;
  result.dispose();
  return values;
}

function randomOperands(testCase: Case): Operands {
  tf.setBackend('cpu');
  return tf.tidy(() => ({
    x: tf.randomNormal(testCase.x, 0, 1, 'float32', 1).dataSync() as Float32Array,
    filter: tf.randomNormal(testCase.filter, 0, 1, 'float32', 2).dataSync() as Float32Array,
    // Large enough to move the ReLU's threshold of many outputs.
    bias: tf.randomNormal([testCase.filter[3]], 0, 2, 'float32', 3).dataSync() as Float32Array,
  }));
}

describeWithBackends(
  'FusedConv2D (tiled matrix product with bias and ReLU)',
  (backend) => {
    it('is the kernel the webgpu backend runs: one dispatch with the bias and ReLU', () => {
      tf.setBackend(backend);
      const x = tf.ones([1, 8, 8, 4]) as tf.Tensor4D;
      const filter = tf.ones([3, 3, 4, 8]) as tf.Tensor4D;
      const bias = tf.ones([8]) as tf.Tensor1D;
      const count = countDispatches(() => tf.dispose(tf.fused.conv2d({ x, filter, bias, pad: 'same', strides: 1, activation: 'relu' })));
      expect(count.byProgram).toEqual([['ConvolutionProgram', 1]]);
      tf.dispose([x, filter, bias]);
    });

    it("hands other activations (sigmoid) to tfjs-backend-webgpu's own kernel, which gives cpu's result", async () => {
      const testCase = cases[0];
      const operands = randomOperands(testCase);
      const expected = await fusedConvolution('cpu', testCase, operands, 'sigmoid' as 'relu');
      tf.setBackend(backend);
      let actual: Promise<Float32Array> | undefined;
      const count = countDispatches(() => {
        actual = fusedConvolution(backend, testCase, operands, 'sigmoid' as 'relu');
      });
      expect(count.total).toBeGreaterThan(0);
      expect(count.byProgram.find(([name]) => name === 'ConvolutionProgram')).toBeUndefined();
      expectArraysClose(await actual!, expected, 1e-5);
    });

    for (const testCase of cases) {
      it(`${testCase.name}: equals the cpu backend's within relative 1e-4`, async () => {
        const operands = randomOperands(testCase);
        const expected = await fusedConvolution('cpu', testCase, operands);
        const actual = await fusedConvolution(backend, testCase, operands);
        const scale = expected.reduce((most, value) => Math.max(most, Math.abs(value)), 0);
        expect(scale).toBeGreaterThan(1);
        if (testCase.activation === 'relu') expect(expected.filter((value) => value === 0).length).toBeGreaterThan(expected.length / 10);
        expectArraysClose(actual, expected, 1e-4 * scale);
      });
    }
  },
  ['webgpu'],
);
