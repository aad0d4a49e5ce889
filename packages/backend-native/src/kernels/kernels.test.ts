import * as tf from '@tensorflow/tfjs-core';
import '@unet/core/register-gradients';
import { maxAbsoluteDifference } from '@unet/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { nativeAddonStatus } from '../addon_status.js';

const status = nativeAddonStatus();

// Each native kernel against an independent computation: a hand-written case, or tfjs's cpu
// backend (plain JavaScript loops that share no code with oneDNN) on seeded random data.
describe.skipIf(!status.available)('native kernels', () => {
  beforeAll(async () => {
    await import('../index.js');
  });

  function onBoth(compute: () => tf.Tensor | tf.Tensor[]): [Float32Array[], Float32Array[]] {
    const results = (['cpu', 'native'] as const).map((backend) => {
      tf.setBackend(backend);
      return tf.tidy(() => [compute()].flat().map((tensor) => tensor.dataSync() as Float32Array));
    });
    return [results[0], results[1]];
  }

  function expectSame(compute: () => tf.Tensor | tf.Tensor[], tolerance = 1e-5): void {
    const [cpu, native] = onBoth(compute);
    expect(native.length).toBe(cpu.length);
    for (const [index, values] of cpu.entries()) {
      expect(maxAbsoluteDifference(native[index], values), `result ${index}`).toBeLessThanOrEqual(tolerance);
    }
  }

  const random = (shape: readonly number[], seed: number) => tf.randomNormal<tf.Rank>([...shape], 0, 1, 'float32', seed) as tf.Tensor4D;

  it('convolves a hand-computed case: a 3x3 image with a 2x2 kernel, valid', () => {
    tf.setBackend('native');
    const image = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const kernel = tf.tensor4d([1, 0, 0, -1], [2, 2, 1, 1]); // x[i][j] - x[i+1][j+1]
    expect(Array.from(tf.conv2d(image, kernel, 1, 'valid').dataSync())).toEqual([-4, -4, -4, -4]);
    // Two output channels, stride 2, padded below and right by one: the second kernel sums its window.
    const two = tf.tensor4d([1, 1, 0, 1, 0, 1, -1, 1], [2, 2, 1, 2]);
    expect(Array.from(tf.conv2d(image, two, 2, 'same').dataSync())).toEqual([-4, 12, 3, 9, 7, 15, 9, 9]);
  });

  it('matches cpu on conv2d: same and valid padding, strides, dilation, many channels', () => {
    expectSame(
      () => [
        tf.conv2d(random([2, 13, 11, 5], 1), random([3, 3, 5, 7], 2), 1, 'same'),
        tf.conv2d(random([1, 12, 12, 16], 3), random([3, 3, 16, 32], 4), 1, 'valid'),
        tf.conv2d(random([3, 9, 10, 4], 5), random([3, 2, 4, 6], 6), [2, 3], 'same'),
        tf.conv2d(random([1, 11, 11, 3], 7), random([3, 3, 3, 4], 8), 1, 'valid', 'NHWC', 2),
        tf.conv2d(random([2, 8, 8, 64], 9), random([1, 1, 64, 2], 10), 1, 'valid'),
      ],
      1e-4,
    );
  });

  it('matches cpu on both convolution gradients, same and valid, stride 1 and 2', () => {
    for (const [padding, stride] of [
      ['same', 1],
      ['valid', 1],
      ['same', 2],
      ['valid', 2],
    ] as const) {
      expectSame(() => {
        const x = random([2, 10, 9, 6], 11);
        const w = random([3, 3, 6, 8], 12);
        const outShape = tf.conv2d(x, w, stride, padding).shape;
        const upstream = random(outShape, 13);
        const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, padding), upstream)),
        )([x, w]);
        return [dx, dw];
      }, 1e-4);
    }
  });

  // native/conv2d_backprop_input.cc runs a stride-1 input gradient as a forward convolution of
  // dy with the turned filter; each of these is a case its padding and channel swap must get right.
  it('matches cpu on the stride-1 input gradient: non-square filters, uneven explicit pads, 1x1, fewer and more channels out', () => {
    const cases: [number[], number[], Parameters<typeof tf.conv2d>[3]][] = [
      [[2, 9, 7, 5], [3, 2, 5, 12], 'valid'],
      [[1, 8, 8, 16], [2, 3, 16, 3], 'same'],
      [
        [2, 7, 9, 4],
        [3, 3, 4, 6],
        [
          [0, 0],
          [2, 0],
          [0, 1],
          [0, 0],
        ],
      ],
      [[2, 6, 6, 24], [1, 1, 24, 2], 'valid'],
    ];
    for (const [xShape, wShape, padding] of cases) {
      expectSame(() => {
        const x = random(xShape, 16);
        const w = random(wShape, 17);
        const upstream = random(tf.conv2d(x, w, 1, padding).shape, 18);
        return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, w, 1, padding), upstream)))(x);
      }, 1e-4);
    }
  });

  // The addon reverses the filter's taps in place for the call and back after it.
  it('leaves the filter of a stride-1 input gradient as it was', () => {
    tf.setBackend('native');
    tf.tidy(() => {
      const w = random([3, 3, 8, 12], 19);
      const before = Array.from(w.dataSync());
      const dx = tf.conv2dTranspose(random([2, 7, 6, 12], 20) as tf.Tensor4D, w, [2, 7, 6, 8], 1, 'same');
      expect(dx.shape).toEqual([2, 7, 6, 8]);
      expect(Array.from(w.dataSync())).toEqual(before);
    });
  });

  it('matches cpu on fused conv2d (bias, relu) and its gradients', () => {
    expectSame(() => {
      const x = random([2, 10, 10, 4], 64);
      const w = random([3, 3, 4, 6], 65);
      const b = random([6], 66);
      const upstream = random([2, 8, 8, 6], 67);
      const fused = (a: tf.Tensor, f: tf.Tensor, c: tf.Tensor) =>
        tf.fused.conv2d({ x: a as tf.Tensor4D, filter: f as tf.Tensor4D, strides: 1, pad: 'valid', bias: c, activation: 'relu' });
      const grads = tf.grads((a: tf.Tensor, f: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(fused(a, f, c), upstream)))([x, w, b]);
      const linear = tf.fused.conv2d({ x, filter: w, strides: 2, pad: 'same', bias: b });
      const plain = tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'same' });
      return [fused(x, w, b), ...grads, linear, plain];
    }, 1e-4);
  });

  it('matches cpu on the transposed convolution (Conv2DBackpropInput with stride 2)', () => {
    expectSame(() => tf.conv2dTranspose(random([2, 5, 6, 8], 14), random([2, 2, 4, 8], 15), [2, 10, 12, 4], 2, 'valid'));
  });

  it('matches cpu on max pooling and its gradient, with ties taken by the first maximum', () => {
    expectSame(() => {
      // Rounding to integers makes ties common, so the gradient's tie rule is exercised.
      const x = tf.round(tf.mul(random([2, 9, 8, 5], 16), 2)) as tf.Tensor4D;
      // The 2x2 stride-2 path of native/max_pool.cc, on odd sizes (the last row and column unread) and 16 channels.
      const wide = tf.round(tf.mul(random([1, 7, 11, 16], 18), 2)) as tf.Tensor4D;
      const results: tf.Tensor[] = [tf.maxPool(wide, 2, 2, 'valid')];
      for (const [size, stride, padding] of [
        [2, 2, 'valid'],
        [3, 2, 'same'],
        [3, 1, 'same'],
      ] as const) {
        const pooled = tf.maxPool(x, size, stride, padding);
        const upstream = random(pooled.shape, 17);
        const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, size, stride, padding), upstream)))(x);
        results.push(pooled, dx);
      }
      return results;
    });
  });

  it('matches cpu on batched matrix products, transposed or not, with a broadcast batch', () => {
    expectSame(
      () => [
        tf.matMul(random([37, 24], 18), random([24, 64], 19)),
        tf.matMul(random([24, 37], 20), random([64, 24], 21), true, true),
        tf.matMul(random([3, 5, 7], 22), random([3, 7, 4], 23)),
        tf.matMul(random([3, 5, 7], 24), random([1, 4, 7], 25), false, true),
        tf.matMul(random([1, 7, 5], 26), random([2, 2, 7, 4], 27), true, false),
      ],
      1e-4,
    );
  });

  it('matches cpu on broadcast add, sub, mul, div and squared difference of activation-sized tensors', () => {
    expectSame(() => {
      const x = random([2, 16, 16, 16], 28);
      const partners = [random([16], 29), random([2, 16, 16, 16], 30), tf.scalar(1.5), random([2, 1, 16, 1], 31)];
      const results: tf.Tensor[] = [tf.add(random([2, 1, 16, 16], 32), random([1, 16, 1, 16], 33))];
      for (const other of partners) {
        results.push(
          tf.add(x, other),
          tf.sub(other, x),
          tf.mul(x, other),
          tf.div(x, tf.add(tf.abs(other), 1)),
          tf.squaredDifference(x, other),
        );
      }
      return results;
    }, 1e-6);
  });

  it('matches cpu on sum and mean over leading, trailing and all axes, with keepDims', () => {
    expectSame(() => {
      const x = random([4, 16, 16, 8], 34);
      return [
        tf.sum(x, [0, 1, 2]),
        tf.mean(x, [0, 1, 2], true),
        tf.sum(x, -1),
        tf.mean(x, [2, 3]),
        tf.sum(x),
        tf.mean(x),
        tf.sum(x, [1]),
        tf.mean(x, [0, 2]),
        tf.sum(x, [1, 2]),
        tf.mean(tf.slice(x, 0, [1]), [1, 2], true),
      ];
    }, 1e-4);
  });

  it('matches cpu on tile and on splitting the channels and the rows', () => {
    expectSame(() => [
      tf.tile(random([1, 1, 1, 16], 35), [2, 16, 16, 1]),
      tf.tile(random([3, 1, 5], 36), [2, 7, 3]),
      ...tf.split(random([2, 8, 8, 24], 37), [16, 8], 3),
      ...tf.split(random([2, 8, 8, 24], 38), 4, 1),
    ]);
  });

  it('matches cpu on transposes: the pixel shuffle, kernel layouts, a 5-d permutation', () => {
    expectSame(() => [
      tf.transpose(random([8, 8, 2, 32], 39), [0, 2, 1, 3]),
      tf.transpose(random([2, 2, 16, 32], 40), [3, 0, 1, 2]),
      tf.transpose(random([3, 4, 5, 6, 7], 41), [4, 2, 0, 3, 1]),
      tf.transpose(random([64, 96], 42)),
    ]);
  });

  it('matches cpu on relu, step, neg, square, sqrt, exp, rsqrt and floor, zeros included', () => {
    expectSame(() => {
      const x = tf.concat([random([4, 16, 16, 4], 43), tf.tile(tf.tensor4d([0, -0, 1e-30, 3], [1, 1, 1, 4]), [1, 16, 16, 1])], 0);
      const positive = tf.add(tf.abs(x), 0.5);
      return [
        tf.relu(x),
        tf.step(x),
        tf.step(x, 0.25),
        tf.neg(x),
        tf.square(x),
        tf.sqrt(positive),
        tf.exp(x),
        tf.rsqrt(positive),
        tf.floor(tf.mul(x, 3)),
      ];
    }, 1e-6);
  });

  it('matches cpu on batch norm with per-channel and scalar parameters, with and without offset and scale', () => {
    expectSame(() => {
      const x = random([2, 16, 16, 8], 44);
      const variance = tf.add(tf.abs(random([8], 45)), 0.1) as tf.Tensor1D;
      const mean = random([8], 46) as unknown as tf.Tensor1D;
      return [
        tf.batchNorm(x, mean, variance, random([8], 47) as unknown as tf.Tensor1D, random([8], 48) as unknown as tf.Tensor1D, 1e-5),
        tf.batchNorm(x, mean, variance),
        tf.batchNorm(x, tf.scalar(0.5), tf.scalar(2), undefined, tf.scalar(3)),
      ];
    }, 1e-5);
  });

  it('matches cpu on slices: a centre crop of NHWC, a 2-d block, to the end (-1)', () => {
    expectSame(() => [
      tf.slice(random([2, 12, 12, 8], 49), [0, 2, 2, 0], [2, 8, 8, 8]),
      tf.slice(random([9, 7], 50), [3, 1], [4, 5]),
      tf.slice(random([3, 5, 6], 51), [1, 2, 3], [-1, -1, 2]),
    ]);
  });

  it('matches cpu on concat along the channels, the rows and the batch, with an empty part', () => {
    expectSame(() => [
      tf.concat([random([2, 8, 8, 16], 52), random([2, 8, 8, 8], 53)], 3),
      tf.concat([random([2, 3, 4, 5], 54), random([2, 6, 4, 5], 55), random([2, 1, 4, 5], 56)], 1),
      tf.concat([random([1, 4, 4, 2], 57), random([3, 4, 4, 2], 58)], 0),
      tf.concat([random([4, 3], 59), tf.zeros([4, 0]), random([4, 2], 60)], 1),
    ]);
  });

  it('matches cpu on constant padding: the gradient of a centre crop, uneven pads, a fill value', () => {
    expectSame(() => [
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.slice(x, [0, 2, 2, 0], [2, 8, 8, 8]), random([2, 8, 8, 8], 61))))(
        random([2, 12, 12, 8], 62),
      ),
      tf.pad(
        random([3, 4, 5], 63),
        [
          [1, 0],
          [0, 2],
          [3, 1],
        ],
        1.5,
      ),
    ]);
  });

  it('keeps integer tensors on the cpu kernels', () => {
    expectSame(() => tf.cast(tf.maxPool(tf.tensor4d([1, 5, 3, 2], [1, 2, 2, 1], 'int32'), 2, 2, 'valid'), 'float32'));
  });
});
