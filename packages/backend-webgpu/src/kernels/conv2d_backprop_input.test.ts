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

// The U-Net's layers, narrowed: padded and unpadded 3 x 3, 1 x 1, a stride, sizes off the tile.
const cases: Case[] = [
  { name: '3 x 3, 4 -> 8 channels, padded', x: [2, 32, 32, 4], filter: [3, 3, 4, 8], strides: 1, pad: 'same' },
  { name: '3 x 3, unpadded, odd sizes', x: [1, 21, 19, 5], filter: [3, 3, 5, 7], strides: 1, pad: 'valid' },
  { name: '1 x 1 output convolution', x: [2, 16, 16, 8], filter: [1, 1, 8, 2], strides: 1, pad: 'valid' },
  { name: 'stride 2, 40 input channels (two column tiles)', x: [1, 17, 17, 40], filter: [3, 3, 40, 6], strides: 2, pad: 'same' },
  // tf.conv2dTranspose runs this kernel: the U-Net's 2 x 2 up-convolution, stride 2.
  {
    name: 'the 2 x 2 up-convolution (conv2dTranspose), 16 -> 8 channels',
    x: [2, 16, 16, 8],
    filter: [2, 2, 8, 16],
    strides: 2,
    pad: 'valid',
  },
  { name: 'one input channel, long K (9 x 64)', x: [1, 12, 12, 1], filter: [3, 3, 1, 64], strides: 1, pad: 'same' },
];

// Read back asynchronously: tfjs-backend-webgpu's dataSync needs OffscreenCanvas, which Node lacks.
async function inputGradient(
  backend: string,
  testCase: Case,
  dy: Float32Array,
  filter: Float32Array,
  dyShape: number[],
): Promise<Float32Array> {
  tf.setBackend(backend);
  const result = tf.tidy(
    () =>
      tf
        .engine()
        .runKernel(
          tf.Conv2DBackpropInput,
          { dy: tf.tensor(dy, dyShape), filter: tf.tensor4d(filter, testCase.filter) },
          { strides: testCase.strides, pad: testCase.pad, dataFormat: 'NHWC', inputShape: testCase.x },
        ) as tf.Tensor,
  );
  const values = (await result.data()) as Float32Array;
  result.dispose();
  return values;
}

describeWithBackends(
  'Conv2DBackpropInput (tiled matrix product)',
  (backend) => {
    it('is the kernel the webgpu backend runs', () => {
      tf.setBackend(backend);
      const dy = tf.ones([1, 8, 8, 4]);
      const filter = tf.ones([3, 3, 2, 4]);
      const count = countDispatches(() => {
        tf.dispose(
          tf
            .engine()
            .runKernel(
              tf.Conv2DBackpropInput,
              { dy, filter },
              { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [1, 8, 8, 2] },
            ) as tf.Tensor,
        );
      });
      expect(count.byProgram).toEqual([['InputGradientProgram', 1]]);
      tf.dispose([dy, filter]);
    });

    for (const testCase of cases) {
      it(`${testCase.name}: equals the cpu backend's within relative 1e-4`, async () => {
        tf.setBackend('cpu');
        const dyShape = tf.tidy(
          () =>
            tf.conv2d(tf.zeros(testCase.x) as tf.Tensor4D, tf.zeros(testCase.filter) as tf.Tensor4D, testCase.strides, testCase.pad).shape,
        );
        const dy = tf.tidy(() => tf.randomNormal(dyShape, 0, 1, 'float32', 3).dataSync() as Float32Array);
        const filter = tf.tidy(() => tf.randomNormal(testCase.filter, 0, 1, 'float32', 4).dataSync() as Float32Array);
        const expected = await inputGradient('cpu', testCase, dy, filter, dyShape);
        const actual = await inputGradient(backend, testCase, dy, filter, dyShape);
        const scale = expected.reduce((most, value) => Math.max(most, Math.abs(value)), 0);
        expect(scale).toBeGreaterThan(1);
        expectArraysClose(actual, expected, 1e-4 * scale);
      });
    }
  },
  ['webgpu'],
);
