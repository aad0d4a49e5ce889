import * as tf from '@tensorflow/tfjs-core';
import { WEIGHTED_CROSS_ENTROPY_GRAD_KERNEL, WEIGHTED_CROSS_ENTROPY_KERNEL, weightedCrossEntropy } from '@unet/train';
import { type CrossEntropyCase, crossEntropyCases, describeWithBackends, expectArraysClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { countDispatches } from '../dispatch_counter.js';
// By the package's own name, so that this is the instance test-utils registered (its dist).
import { registerWebGPUKernels, unregisterWebGPUKernels } from '@unet/backend-webgpu';
import { weightedCrossEntropyGradKernelName, weightedCrossEntropyKernelName } from './weighted_cross_entropy.js';

interface Data {
  logits: Float32Array;
  labels: Int32Array;
  weights: Float32Array;
}

function randomData(testCase: CrossEntropyCase): Data {
  tf.setBackend('cpu');
  const pixels = testCase.shape.slice(0, 3) as [number, number, number];
  return tf.tidy(() => {
    const labels = tf.randomUniform(pixels, 0, testCase.labelRange, 'int32', 2).dataSync() as Int32Array;
    for (let index = 0; index < labels.length; index += 7) labels[index] = 255;
    return {
      logits: tf.randomNormal(testCase.shape, 0, 3, 'float32', 1).dataSync() as Float32Array,
      labels,
      weights: tf.randomUniform(pixels, 0.5, 10, 'float32', 3).dataSync() as Float32Array,
    };
  });
}

// The loss and its gradient with respect to the logits, read back asynchronously
// (tfjs-backend-webgpu's dataSync needs OffscreenCanvas, which Node lacks).
async function lossAndGradient(backend: string, testCase: CrossEntropyCase, data: Data): Promise<{ loss: number; gradient: Float32Array }> {
  tf.setBackend(backend);
  const pixels = testCase.shape.slice(0, 3) as [number, number, number];
  const { value, grad } = tf.tidy(() => {
    const logits = tf.tensor4d(data.logits, testCase.shape);
    const target = {
      labels: tf.tensor3d(data.labels, pixels, 'int32'),
      weights: testCase.weighted ? tf.tensor3d(data.weights, pixels) : undefined,
    };
    return tf.valueAndGrad((z: tf.Tensor) => weightedCrossEntropy(z as tf.Tensor4D, target, testCase.options))(logits);
  });
  const result = { loss: (await value.data())[0], gradient: (await grad.data()) as Float32Array };
  tf.dispose([value, grad]);
  return result;
}

describeWithBackends(
  'UnetWeightedCrossEntropy[Grad] (the loss in three dispatches, its gradient in one)',
  (backend) => {
    it("registers the kernels under the names of @unet/train's contract", () => {
      expect([weightedCrossEntropyKernelName, weightedCrossEntropyGradKernelName]).toEqual([
        WEIGHTED_CROSS_ENTROPY_KERNEL,
        WEIGHTED_CROSS_ENTROPY_GRAD_KERNEL,
      ]);
    });

    it('is what weightedCrossEntropy runs on the webgpu backend, and leaks no tensors', async () => {
      tf.setBackend(backend);
      const logits = tf.ones([1, 8, 8, 2]) as tf.Tensor4D;
      const labels = tf.zeros([1, 8, 8], 'int32') as tf.Tensor3D;
      const weights = tf.ones([1, 8, 8]) as tf.Tensor3D;
      const before = tf.memory().numTensors;
      let loss: tf.Tensor | undefined;
      let gradient: tf.Tensor | undefined;
      const count = countDispatches(() => {
        const result = tf.valueAndGrad((z: tf.Tensor) => weightedCrossEntropy(z as tf.Tensor4D, { labels, weights }))(logits);
        loss = result.value;
        gradient = result.grad;
      });
      expect(count.byProgram).toEqual([
        ['CrossEntropyFinalizeProgram', 2],
        ['CrossEntropyPartialSumsProgram', 1],
        ['CrossEntropyGradientProgram', 1],
      ]);
      expect(tf.memory().numTensors).toBe(before + 2);
      // The same on tfjs-core's ops, for the record.
      unregisterWebGPUKernels();
      const opsCount = countDispatches(() =>
        tf.dispose(tf.valueAndGrad((z: tf.Tensor) => weightedCrossEntropy(z as tf.Tensor4D, { labels, weights }))(logits) as never),
      );
      registerWebGPUKernels();
      if (process.env.UNET_REPORT_DISPATCHES === '1') console.log(JSON.stringify({ ours: count, ops: opsCount }));
      expect(opsCount.total).toBeGreaterThan(count.total);
      // Equal logits: p = 1/2 everywhere, the loss ln 2 and the gradient (1/2 - 1, 1/2) / 64.
      expect((await loss!.data())[0]).toBeCloseTo(Math.LN2, 6);
      expectArraysClose((await gradient!.data()).slice(0, 2), [-0.5 / 64, 0.5 / 64], 1e-7);
      tf.dispose([loss!, gradient!, logits, labels, weights]);
      // Without a tape (a validation loss) the denominator is not kept either.
      const untaped = tf.memory().numTensors;
      tf.dispose(weightedCrossEntropy(tf.zeros([1, 4, 4, 2]) as tf.Tensor4D, { labels: tf.zeros([1, 4, 4], 'int32') as tf.Tensor3D }));
      expect(tf.memory().numTensors).toBe(untaped + 2);
    });

    it('is 0 with a zero gradient when every pixel is ignored', async () => {
      tf.setBackend(backend);
      const testCase: CrossEntropyCase = { name: 'all ignored', shape: [1, 4, 4, 2], weighted: true, options: {}, labelRange: 1 };
      const data = randomData(testCase);
      data.labels.fill(255);
      const { loss, gradient } = await lossAndGradient(backend, testCase, data);
      expect(loss).toBe(0);
      expect(gradient.every((value) => value === 0)).toBe(true);
    });

    for (const testCase of crossEntropyCases) {
      it(`${testCase.name}: the loss and its gradient equal the cpu backend's tfjs ops within relative 1e-4`, async () => {
        const data = randomData(testCase);
        const expected = await lossAndGradient('cpu', testCase, data);
        const actual = await lossAndGradient(backend, testCase, data);
        expect(expected.loss).toBeGreaterThan(0.5);
        expect(Math.abs(actual.loss - expected.loss)).toBeLessThanOrEqual(1e-4 * expected.loss);
        const scale = expected.gradient.reduce((most, value) => Math.max(most, Math.abs(value)), 0);
        expect(scale).toBeGreaterThan(0);
        expectArraysClose(actual.gradient, expected.gradient, 1e-4 * scale);
      });
    }
  },
  ['webgpu'],
);
