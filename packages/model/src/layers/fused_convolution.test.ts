import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@unet/core/register-gradients';
import { describeWithBackends, expectTensorsClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { canFuseConvolutionBiasRelu, convolveBiasRelu, reluGradient } from './fused_convolution.js';
import { RELU_GRADIENT_KERNEL } from './relu_gradient_kernels.js';

describeWithBackends('convolveBiasRelu', (backend) => {
  for (const padding of ['valid', 'same'] as const) {
    it(`has the value and gradients of relu(conv2d + bias), by tfjs's own ops (${padding})`, (context) => {
      if (!canFuseConvolutionBiasRelu())
        context.skip(`${backend} lacks Conv2DBackpropFilter: the layers do not use convolveBiasRelu there`);
      const x = tf.randomNormal([2, 7, 6, 3], 0, 1, 'float32', 21) as tf.Tensor4D;
      const kernel = tf.randomNormal([3, 3, 3, 4], 0, 0.5, 'float32', 22) as tf.Tensor4D;
      const bias = tf.tensor1d([0.2, -0.4, 0, 0.1]);
      const outShape: [number, number, number, number] = padding === 'valid' ? [2, 5, 4, 4] : [2, 7, 6, 4];
      const dy = tf.randomNormal(outShape, 0, 1, 'float32', 23) as tf.Tensor4D;
      const reference = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.relu(tf.add(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, padding), c));
      const fused = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        convolveBiasRelu(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor1D, padding);
      expectTensorsClose(fused(x, kernel, bias), reference(x, kernel, bias), 1e-5, 1e-5);
      const expected = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(reference(a, b, c), dy)))([x, kernel, bias]);
      const before = tf.memory().numTensors;
      const actual = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(fused(a, b, c), dy)))([x, kernel, bias]);
      expect(tf.memory().numTensors - before).toBe(3);
      for (const [index, gradient] of actual.entries()) expectTensorsClose(gradient, expected[index]!, 1e-4, 1e-4);
      tf.dispose([x, kernel, bias, dy, ...expected, ...actual]);
    });
  }

  it('is offered where the backend has the fused and both backprop kernels (not wasm)', () => {
    expect(canFuseConvolutionBiasRelu()).toBe(backend !== 'wasm');
  });
});

describeWithBackends('reluGradient', (backend) => {
  it('is dy * step(y): dy where y > 0, signed zeros elsewhere, NaN where y is NaN', () => {
    const dy = tf.tensor4d([3, -2, 5, -4, 7, 1], [1, 1, 2, 3]);
    const y = tf.tensor4d([1, 0.5, 0, -1, Number.NaN, 2], [1, 1, 2, 3]);
    const gradient = reluGradient(dy, y);
    expect(Array.from(gradient.dataSync())).toEqual([3, -2, 0, -0, Number.NaN, 1]);
    tf.dispose([dy, y, gradient]);
  });

  it(`runs ${RELU_GRADIENT_KERNEL} where the backend registers it (${backend})`, (context) => {
    // A backend's own kernel (native's) is tested in its package; this one stands in where there is none.
    if (tf.getKernel(RELU_GRADIENT_KERNEL, backend) !== undefined) context.skip(`${backend} registers its own ${RELU_GRADIENT_KERNEL}`);
    if (backend !== 'cpu') context.skip('the stand-in kernel reads and writes through the cpu backend');
    const seen: string[] = [];
    tf.registerKernel({
      kernelName: RELU_GRADIENT_KERNEL,
      backendName: backend,
      kernelFunc: ({ inputs, backend: kernelBackend }) => {
        seen.push(Object.keys(inputs).join(','));
        const { dy } = inputs as { dy: tf.TensorInfo };
        // The identity is enough to see that the kernel's output is what reluGradient returns.
        const values = (kernelBackend as unknown as { readSync: (id: tf.DataId) => Float32Array }).readSync(dy.dataId);
        return (kernelBackend as unknown as { makeTensorInfo: (s: number[], d: string, v: Float32Array) => tf.TensorInfo }).makeTensorInfo(
          dy.shape,
          'float32',
          Float32Array.from(values),
        );
      },
    });
    try {
      const dy = tf.tensor4d([3, -2], [1, 1, 1, 2]);
      const y = tf.tensor4d([-1, -1], [1, 1, 1, 2]);
      const gradient = reluGradient(dy, y);
      expect(seen).toEqual(['dy,y']);
      expect(Array.from(gradient.dataSync())).toEqual([3, -2]);
      tf.dispose([dy, y, gradient]);
    } finally {
      tf.unregisterKernel(RELU_GRADIENT_KERNEL, backend);
    }
  });
});
