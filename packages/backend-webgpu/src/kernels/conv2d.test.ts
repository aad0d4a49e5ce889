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
  dilations?: number;
}

// The U-Net's layers, narrowed: padded and unpadded 3 x 3, 1 x 1, its first layer, a deep layer
// whose long K is split, and shapes off the 32 x 32 tile and off the vec4 loads (channels not
// multiples of 4), a stride and a dilation for the general convolution.
const cases: Case[] = [
  { name: '3 x 3, 4 -> 8 channels, padded (vec4 loads of x, W and y)', x: [2, 32, 32, 4], filter: [3, 3, 4, 8], strides: 1, pad: 'same' },
  { name: '3 x 3, unpadded, odd sizes and channels (scalar loads)', x: [1, 21, 19, 5], filter: [3, 3, 5, 7], strides: 1, pad: 'valid' },
  { name: '1 x 1 output convolution, 8 -> 2 channels', x: [2, 16, 16, 8], filter: [1, 1, 8, 2], strides: 1, pad: 'valid' },
  { name: 'first layer, one input channel', x: [2, 18, 18, 1], filter: [3, 3, 1, 4], strides: 1, pad: 'valid' },
  { name: 'deep layer, 128 -> 8 channels on 4 x 4: K split in two', x: [1, 4, 4, 128], filter: [3, 3, 128, 8], strides: 1, pad: 'same' },
  { name: 'stride 2, 40 -> 36 channels (two column tiles)', x: [1, 17, 17, 40], filter: [3, 3, 40, 36], strides: 2, pad: 'same' },
  { name: 'dilation 2, padded', x: [1, 13, 11, 4], filter: [3, 3, 4, 4], strides: 1, pad: 'same', dilations: 2 },
];

// Read back asynchronously: tfjs-backend-webgpu's dataSync needs OffscreenCanvas, which Node lacks.
async function convolution(backend: string, testCase: Case, x: Float32Array, filter: Float32Array): Promise<Float32Array> {
  tf.setBackend(backend);
  const result = tf.tidy(() =>
    tf.conv2d(
      tf.tensor4d(x, testCase.x),
      tf.tensor4d(filter, testCase.filter),
      testCase.strides,
      testCase.pad,
      'NHWC',
      testCase.dilations ?? 1,
    ),
  );
  const values = (await result.data()) as Float32Array;
  result.dispose();
  return values;
}

describeWithBackends(
  'Conv2D (tiled matrix product)',
  (backend) => {
    it('is the kernel the webgpu backend runs: one dispatch, and the split sum where K is split', () => {
      tf.setBackend(backend);
      const x = tf.ones([1, 8, 8, 4]);
      const filter = tf.ones([3, 3, 4, 8]);
      const deep = tf.ones([1, 4, 4, 128]);
      const deepFilter = tf.ones([3, 3, 128, 8]);
      expect(countDispatches(() => tf.dispose(tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same'))).byProgram).toEqual([
        ['ConvolutionProgram', 1],
      ]);
      expect(countDispatches(() => tf.dispose(tf.conv2d(deep as tf.Tensor4D, deepFilter as tf.Tensor4D, 1, 'same'))).byProgram).toEqual([
        ['ConvolutionProgram', 1],
        ['SplitSumProgram', 1],
      ]);
      tf.dispose([x, filter, deep, deepFilter]);
    });

    it("hands NCHW to tfjs-backend-webgpu's own kernel, which gives cpu's result", async () => {
      tf.setBackend('cpu');
      const x = tf.tidy(() => tf.randomNormal([1, 3, 6, 6], 0, 1, 'float32', 11).dataSync() as Float32Array);
      const filter = tf.tidy(() => tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 12).dataSync() as Float32Array);
      const run = async (name: string) => {
        tf.setBackend(name);
        const y = tf.tidy(() => tf.conv2d(tf.tensor4d(x, [1, 3, 6, 6]), tf.tensor4d(filter, [3, 3, 3, 4]), 1, 'same', 'NCHW'));
        const values = await y.data();
        y.dispose();
        return values;
      };
      const expected = await run('cpu');
      tf.setBackend(backend);
      let actual: Promise<Float32Array | Int32Array | Uint8Array> | undefined;
      const count = countDispatches(() => {
        actual = run(backend);
      });
      expect(count.byProgram.find(([name]) => name === 'ConvolutionProgram')).toBeUndefined();
      expectArraysClose(await actual!, expected, 1e-4);
    });

    for (const testCase of cases) {
      it(`${testCase.name}: equals the cpu backend's within relative 1e-4`, async () => {
        tf.setBackend('cpu');
        const x = tf.tidy(() => tf.randomNormal(testCase.x, 0, 1, 'float32', 1).dataSync() as Float32Array);
        const filter = tf.tidy(() => tf.randomNormal(testCase.filter, 0, 1, 'float32', 2).dataSync() as Float32Array);
        const expected = await convolution('cpu', testCase, x, filter);
        const actual = await convolution(backend, testCase, x, filter);
        const scale = expected.reduce((most, value) => Math.max(most, Math.abs(value)), 0);
        expect(scale).toBeGreaterThan(1);
        expectArraysClose(actual, expected, 1e-4 * scale);
      });
    }
  },
  ['webgpu'],
);
