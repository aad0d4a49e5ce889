import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@unet/core/register-gradients';
import { describeWithBackends, expectTensorsClose } from '@unet/test-utils';
import { describe, expect, it } from 'vitest';
import { convolve } from './convolution.js';

const cases = [
  { padding: 'valid' as const, kernelSize: 3 },
  { padding: 'same' as const, kernelSize: 3 },
  { padding: 'valid' as const, kernelSize: 1 },
];

// Reference gradients from tfjs's own conv2d gradient on the cpu backend, an implementation
// independent of the portable one.
async function cpuReference(x: tf.Tensor4D, kernel: tf.Tensor4D, dy: tf.Tensor4D, padding: 'valid' | 'same') {
  const previous = tf.getBackend();
  await tf.setBackend('cpu');
  const [dx, dKernel] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, padding), dy)),
  )([x, kernel]);
  const result = { dx: { shape: dx.shape, values: dx.dataSync() }, dKernel: { shape: dKernel.shape, values: dKernel.dataSync() } };
  tf.dispose([dx, dKernel]);
  await tf.setBackend(previous);
  return result;
}

describeWithBackends('convolve', (backend) => {
  for (const { padding, kernelSize } of cases) {
    it(`has tfjs's conv2d gradients (${padding}, ${kernelSize}x${kernelSize})`, async () => {
      const x = tf.randomNormal([2, 7, 6, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const kernel = tf.randomNormal([kernelSize, kernelSize, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
      const outSize = padding === 'valid' ? [7 - kernelSize + 1, 6 - kernelSize + 1] : [7, 6];
      const dy = tf.randomNormal([2, outSize[0], outSize[1], 4], 0, 1, 'float32', 3) as tf.Tensor4D;
      const reference = await cpuReference(x, kernel, dy, padding);
      const [dx, dKernel] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(convolve(a as tf.Tensor4D, b as tf.Tensor4D, padding), dy)),
      )([x, kernel]);
      expectTensorsClose(dx, reference.dx, 1e-4, 1e-4);
      expectTensorsClose(dKernel, reference.dKernel, 1e-4, 1e-4);
      tf.dispose([x, kernel, dy, dx, dKernel]);
    });
  }

  it('leaks no tensors through its gradient', () => {
    const x = tf.randomNormal([1, 8, 8, 2], 0, 1, 'float32', 1) as tf.Tensor4D;
    const kernel = tf.variable(tf.randomNormal([3, 3, 2, 2], 0, 1, 'float32', 2));
    const step = () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(convolve(x, kernel as tf.Tensor4D, 'same')) as tf.Scalar);
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors, backend).toBe(before);
    tf.dispose([x, kernel]);
  });
});

describe('convolve on wasm', () => {
  it('uses the portable gradient there, since wasm has no Conv2DBackpropFilter kernel', async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
  });
});
