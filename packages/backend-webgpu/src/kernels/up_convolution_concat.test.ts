import * as tf from '@tensorflow/tfjs-core';
import { UP_CONVOLUTION_CONCAT_KERNEL } from '@unet/model';
import { describeWithBackends, expectArraysClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { countDispatches } from '../dispatch_counter.js';
import { upConvolutionConcatKernelName } from './up_convolution_concat.js';

interface Case {
  name: string;
  /** x [batch, height, width, inChannels] */
  x: [number, number, number, number];
  outChannels: number;
  /** skip [batch, skipHeight, skipWidth, skipChannels]; the window is its centre. */
  skip: [number, number, number, number];
}

// The small preset's (skip as large as the output) and the paper's (a centre window of a larger
// skip), with input channels on and off the vec4 loads and sizes off the 32 x 32 tile.
const cases: Case[] = [
  { name: 'padded, 16 -> 8 channels beside 8', x: [2, 8, 8, 16], outChannels: 8, skip: [2, 16, 16, 8] },
  { name: 'cropped window (the paper), 12 -> 6 beside 6', x: [1, 7, 9, 12], outChannels: 6, skip: [1, 22, 26, 6] },
  { name: 'odd channels (scalar loads), 5 -> 3 beside 7', x: [2, 5, 3, 5], outChannels: 3, skip: [2, 12, 8, 7] },
  { name: 'several tiles each way, 40 -> 20 beside 20', x: [1, 9, 11, 40], outChannels: 20, skip: [1, 18, 22, 20] },
];

// What @unet/model computes without the kernel: tf.conv2dTranspose + bias, then the skip's
// centre window and the concatenation (skip first).
function reference(x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D, skip: tf.Tensor4D, top: number, left: number): tf.Tensor4D {
  const [batch, height, width] = x.shape;
  const up = tf.add(tf.conv2dTranspose(x, kernel, [batch, 2 * height, 2 * width, kernel.shape[2]], 2, 'valid'), bias) as tf.Tensor4D;
  const window = tf.slice(skip, [0, top, left, 0], [batch, 2 * height, 2 * width, skip.shape[3]]);
  return tf.concat([window, up], 3);
}

describeWithBackends(
  'UnetUpConvolutionConcat (one tiled product writing beside the skip)',
  (backend) => {
    it("is registered under the name of @unet/model's contract, and is one dispatch", () => {
      expect(upConvolutionConcatKernelName).toBe(UP_CONVOLUTION_CONCAT_KERNEL);
      tf.setBackend(backend);
      const x = tf.ones([1, 4, 4, 8]);
      const kernel = tf.ones([2, 2, 4, 8]);
      const bias = tf.ones([4]);
      const skip = tf.ones([1, 8, 8, 4]);
      const count = countDispatches(() =>
        tf.dispose(tf.engine().runKernel(UP_CONVOLUTION_CONCAT_KERNEL, { x, kernel, bias, skip }, { top: 0, left: 0 }) as tf.Tensor),
      );
      expect(count.byProgram).toEqual([['UpConvolutionConcatProgram', 1]]);
      tf.dispose([x, kernel, bias, skip]);
    });

    for (const testCase of cases) {
      it(`${testCase.name}: equals conv2dTranspose + bias + slice + concat on cpu within relative 1e-4`, async () => {
        const kernelShape: [number, number, number, number] = [2, 2, testCase.outChannels, testCase.x[3]];
        const top = (testCase.skip[1] - 2 * testCase.x[1]) / 2;
        const left = (testCase.skip[2] - 2 * testCase.x[2]) / 2;
        tf.setBackend('cpu');
        const values = tf.tidy(() => ({
          x: tf.randomNormal(testCase.x, 0, 1, 'float32', 1).dataSync() as Float32Array,
          kernel: tf.randomNormal(kernelShape, 0, 1, 'float32', 2).dataSync() as Float32Array,
          bias: tf.randomNormal([testCase.outChannels], 0, 1, 'float32', 3).dataSync() as Float32Array,
          skip: tf.randomNormal(testCase.skip, 0, 1, 'float32', 4).dataSync() as Float32Array,
        }));
        const operands = () => ({
          x: tf.tensor4d(values.x, testCase.x),
          kernel: tf.tensor4d(values.kernel, kernelShape),
          bias: tf.tensor1d(values.bias),
          skip: tf.tensor4d(values.skip, testCase.skip),
        });
        const expectedTensor = tf.tidy(() => {
          const { x, kernel, bias, skip } = operands();
          return reference(x, kernel, bias, skip, top, left);
        });
        const expected = (await expectedTensor.data()) as Float32Array;
        expectedTensor.dispose();
        tf.setBackend(backend);
        const actualTensor = tf.tidy(() => tf.engine().runKernel(UP_CONVOLUTION_CONCAT_KERNEL, operands(), { top, left }) as tf.Tensor);
        expect(actualTensor.shape).toEqual([testCase.x[0], 2 * testCase.x[1], 2 * testCase.x[2], testCase.skip[3] + testCase.outChannels]);
        const actual = (await actualTensor.data()) as Float32Array;
        actualTensor.dispose();
        const scale = expected.reduce((most, value) => Math.max(most, Math.abs(value)), 0);
        expect(scale).toBeGreaterThan(1);
        expectArraysClose(actual, expected, 1e-4 * scale);
      });
    }
  },
  ['webgpu'],
);
