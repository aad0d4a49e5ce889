import * as tf from '@tensorflow/tfjs-core';
import { UP_CONVOLUTION_CONCAT_GRAD_KERNEL, UP_CONVOLUTION_CONCAT_KERNEL } from '@unet/model';
import { maxAbsoluteDifference } from '@unet/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { nativeAddonStatus } from '../addon_status.js';
import { upConvolutionConcatGradKernelName, upConvolutionConcatKernelName } from './up_convolution_concat.js';

const status = nativeAddonStatus();

describe('up-convolution concat kernel name', () => {
  it("is the one @unet/model's UpConvolution looks for", () => {
    expect(upConvolutionConcatKernelName).toBe(UP_CONVOLUTION_CONCAT_KERNEL);
    expect(upConvolutionConcatGradKernelName).toBe(UP_CONVOLUTION_CONCAT_GRAD_KERNEL);
  });
});

// The kernel's output on native, and on cpu the same thing by tfjs's own ops: the skip's window
// by slice, the up-convolution by conv2dTranspose and a bias sum, then concat.
function compare(x: tf.Tensor4D, skip: tf.Tensor4D, outChannels: number, top: number, left: number): number {
  const [batch, height, width, inChannels] = x.shape;
  const kernel = tf.randomNormal([2, 2, outChannels, inChannels], 0, 0.5, 'float32', 11) as tf.Tensor4D;
  const bias = tf.randomNormal([outChannels], 0, 1, 'float32', 12) as tf.Tensor1D;
  tf.setBackend('native');
  const actual = tf
    .engine()
    .runKernel(UP_CONVOLUTION_CONCAT_KERNEL, { x, kernel, bias, skip }, { top, left } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  expect(actual.shape).toEqual([batch, 2 * height, 2 * width, skip.shape[3] + outChannels]);
  const values = actual.dataSync() as Float32Array;
  tf.setBackend('cpu');
  const expected = tf.tidy(() => {
    const up = tf.add(tf.conv2dTranspose(x, kernel, [batch, 2 * height, 2 * width, outChannels], 2, 'valid'), bias);
    const window = tf.slice(skip, [0, top, left, 0], [batch, 2 * height, 2 * width, skip.shape[3]]);
    return tf.concat([window, up], 3).dataSync() as Float32Array;
  });
  tf.dispose([kernel, bias, actual]);
  return maxAbsoluteDifference(values, expected);
}

// The gradient kernel's [dx, dkernel, dbias, dskip] on native against tf.grads, on cpu, of the
// ops that compare() checks the forward kernel against; the largest difference relative to the
// largest expected value.
function compareGradients(x: tf.Tensor4D, skip: tf.Tensor4D, outChannels: number, top: number, left: number): number {
  const [batch, height, width, inChannels] = x.shape;
  const kernel = tf.randomNormal([2, 2, outChannels, inChannels], 0, 0.5, 'float32', 13) as tf.Tensor4D;
  const bias = tf.randomNormal([outChannels], 0, 1, 'float32', 14) as tf.Tensor1D;
  const dy = tf.randomNormal([batch, 2 * height, 2 * width, skip.shape[3] + outChannels], 0, 1, 'float32', 15);
  tf.setBackend('native');
  const attrs = { top, left, skipHeight: skip.shape[1], skipWidth: skip.shape[2] } as unknown as tf.NamedAttrMap;
  const actual = tf.engine().runKernel(UP_CONVOLUTION_CONCAT_GRAD_KERNEL, { dy, x, kernel }, attrs) as tf.Tensor[];
  const actualValues = actual.map((tensor) => tensor.dataSync() as Float32Array);
  expect(actual.map((tensor) => tensor.shape)).toEqual([x.shape, kernel.shape, bias.shape, skip.shape]);
  tf.setBackend('cpu');
  const expected = tf.tidy(() =>
    tf
      .grads((input: tf.Tensor, k: tf.Tensor, b: tf.Tensor, s: tf.Tensor) => {
        const up = tf.add(
          tf.conv2dTranspose(input as tf.Tensor4D, k as tf.Tensor4D, [batch, 2 * height, 2 * width, outChannels], 2, 'valid'),
          b,
        );
        const window = tf.slice(s, [0, top, left, 0], [batch, 2 * height, 2 * width, skip.shape[3]]);
        return tf.sum(tf.mul(tf.concat([window, up], 3), dy));
      })([x, kernel, bias, skip])
      .map((tensor) => tensor.dataSync() as Float32Array),
  );
  tf.dispose([kernel, bias, dy, ...actual]);
  let worst = 0;
  expected.forEach((values, index) => {
    const scale = values.reduce((largest, value) => Math.max(largest, Math.abs(value)), 1);
    worst = Math.max(worst, maxAbsoluteDifference(actualValues[index]!, values) / scale);
  });
  return worst;
}

describe.skipIf(!status.available)('up-convolution concat kernel', () => {
  beforeAll(async () => {
    await import('../index.js');
  });

  it('writes the skip window (offset 1, 2) and the up-convolution with its bias, as slice, conv2dTranspose and concat do', () => {
    const x = tf.randomNormal([2, 3, 5, 6], 0, 1, 'float32', 1) as tf.Tensor4D;
    const skip = tf.randomNormal([2, 9, 13, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
    expect(compare(x, skip, 3, 1, 2)).toBeLessThanOrEqual(1e-5);
    tf.dispose([x, skip]);
  });

  it('at a U-Net level (1 x 28 x 28 x 64 beside 1 x 64 x 64 x 32, window at 4, 4), on every thread', () => {
    const x = tf.randomNormal([1, 28, 28, 64], 0, 1, 'float32', 3) as tf.Tensor4D;
    const skip = tf.randomNormal([1, 64, 64, 32], 0, 1, 'float32', 4) as tf.Tensor4D;
    expect(compare(x, skip, 32, 4, 4)).toBeLessThanOrEqual(1e-4);
    tf.dispose([x, skip]);
  });

  it('gives dx, dkernel, dbias and dskip (zero outside a window at 1, 2) as tf.grads of slice, conv2dTranspose and concat do', () => {
    const x = tf.randomNormal([2, 3, 5, 6], 0, 1, 'float32', 5) as tf.Tensor4D;
    const skip = tf.randomNormal([2, 9, 13, 4], 0, 1, 'float32', 6) as tf.Tensor4D;
    expect(compareGradients(x, skip, 3, 1, 2)).toBeLessThanOrEqual(1e-5);
    tf.dispose([x, skip]);
  });

  it('gives the gradients at a U-Net level (2 x 30 x 28 x 64 beside 2 x 64 x 60 x 32), on every thread', () => {
    const x = tf.randomNormal([2, 30, 28, 64], 0, 1, 'float32', 7) as tf.Tensor4D;
    const skip = tf.randomNormal([2, 64, 60, 32], 0, 1, 'float32', 8) as tf.Tensor4D;
    expect(compareGradients(x, skip, 32, 2, 2)).toBeLessThanOrEqual(1e-5);
    tf.dispose([x, skip]);
  });

  it('refuses a window outside the skip, naming the kernel', () => {
    tf.setBackend('native');
    const x = tf.zeros([1, 2, 2, 1]);
    const skip = tf.zeros([1, 4, 4, 1]);
    const kernel = tf.zeros([2, 2, 1, 1]);
    const bias = tf.zeros([1]);
    expect(() =>
      tf.engine().runKernel(UP_CONVOLUTION_CONCAT_KERNEL, { x, kernel, bias, skip }, { top: 1, left: 0 } as unknown as tf.NamedAttrMap),
    ).toThrow(/upConvolutionConcat/);
    tf.dispose([x, skip, kernel, bias]);
  });
});
