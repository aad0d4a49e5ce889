import * as tf from '@tensorflow/tfjs-core';
import { describeWithBackends, expectArraysClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { countDispatches } from '../dispatch_counter.js';

interface Case {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number;
  pad: 'same' | 'valid';
}

// The U-Net's shapes, narrowed: its first layer (one input channel), a padded 3 x 3 layer whose
// K (batch x height x width = 2048) is split, an unpadded one (the paper's), a 1 x 1 output
// convolution, a stride, and sizes that are not multiples of the 32 x 32 tile.
const cases: Case[] = [
  { name: 'first layer, one input channel, split K', x: [2, 32, 32, 1], filter: [3, 3, 1, 4], strides: 1, pad: 'same' },
  { name: '3 x 3, 4 -> 8 channels, padded', x: [2, 32, 32, 4], filter: [3, 3, 4, 8], strides: 1, pad: 'same' },
  { name: '3 x 3, unpadded, odd sizes', x: [1, 21, 19, 5], filter: [3, 3, 5, 7], strides: 1, pad: 'valid' },
  { name: '1 x 1 output convolution', x: [2, 16, 16, 8], filter: [1, 1, 8, 2], strides: 1, pad: 'valid' },
  // The filter gradient of the U-Net's 2 x 2 up-convolution (a transposed convolution).
  { name: '2 x 2, stride 2 (the up-convolution)', x: [2, 16, 16, 8], filter: [2, 2, 8, 16], strides: 2, pad: 'valid' },
  { name: 'stride 2, wide output (several column tiles)', x: [1, 17, 17, 3], filter: [3, 3, 3, 70], strides: 2, pad: 'same' },
];

// Read back asynchronously: tfjs-backend-webgpu's dataSync needs OffscreenCanvas, which Node lacks.
async function filterGradient(
  backend: string,
  testCase: Case,
  x: Float32Array,
  dy: Float32Array,
  dyShape: number[],
): Promise<Float32Array> {
  tf.setBackend(backend);
  const result = tf.tidy(
    () =>
      tf
        .engine()
        .runKernel(
          tf.Conv2DBackpropFilter,
          { x: tf.tensor4d(x, testCase.x), dy: tf.tensor(dy, dyShape) },
          { strides: testCase.strides, pad: testCase.pad, dataFormat: 'NHWC', filterShape: testCase.filter },
        ) as tf.Tensor,
  );
  const values = (await result.data()) as Float32Array;
  result.dispose();
  return values;
}

describeWithBackends(
  'Conv2DBackpropFilter (split-K matrix product)',
  (backend) => {
    it('is the kernel the webgpu backend runs: a split matrix product and the sum of its splits', async () => {
      tf.setBackend(backend);
      const x = tf.ones([2, 32, 32, 1]);
      const dy = tf.ones([2, 32, 32, 4]);
      let result: tf.Tensor | undefined;
      const count = countDispatches(() => {
        result = tf
          .engine()
          .runKernel(
            tf.Conv2DBackpropFilter,
            { x, dy },
            { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 1, 4] },
          ) as tf.Tensor;
      });
      expect(count.byProgram).toEqual([
        ['FilterGradientProgram', 1],
        ['SplitSumProgram', 1],
      ]);
      // The centre tap sees all 2 x 32 x 32 pixels; a corner tap misses one row and one column.
      const values = await result!.data();
      expect(values[4 * 4]).toBe(2048);
      expect(values[0]).toBe(2 * 31 * 31);
      tf.dispose([x, dy, result!]);
    });

    for (const testCase of cases) {
      it(`${testCase.name}: equals the cpu backend's within relative 1e-4`, async () => {
        const dyShape = tf.tidy(
          () =>
            tf.conv2d(tf.zeros(testCase.x) as tf.Tensor4D, tf.zeros(testCase.filter) as tf.Tensor4D, testCase.strides, testCase.pad).shape,
        );
        tf.setBackend('cpu');
        const x = tf.tidy(() => tf.randomNormal(testCase.x, 0, 1, 'float32', 1).dataSync() as Float32Array);
        const dy = tf.tidy(() => tf.randomNormal(dyShape, 0, 1, 'float32', 2).dataSync() as Float32Array);
        const expected = await filterGradient('cpu', testCase, x, dy, dyShape);
        const actual = await filterGradient(backend, testCase, x, dy, dyShape);
        const scale = expected.reduce((most, value) => Math.max(most, Math.abs(value)), 0);
        expect(scale).toBeGreaterThan(1);
        expectArraysClose(actual, expected, 1e-4 * scale);
      });
    }
  },
  ['webgpu'],
);
