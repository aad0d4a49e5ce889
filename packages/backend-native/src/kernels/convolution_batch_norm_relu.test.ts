import * as tf from '@tensorflow/tfjs-core';
import { CONVOLUTION_BATCH_NORM_RELU_KERNEL } from '@unet/model';
import { maxAbsoluteDifference } from '@unet/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { nativeAddonStatus } from '../addon_status.js';
import { convolutionBatchNormReluKernelName } from './convolution_batch_norm_relu.js';

const status = nativeAddonStatus();

describe('convolution, batch norm and ReLU kernel name', () => {
  it("is the one @unet/model's DoubleConvolution looks for", () => {
    expect(convolutionBatchNormReluKernelName).toBe(CONVOLUTION_BATCH_NORM_RELU_KERNEL);
  });
});

describe.skipIf(!status.available)('UnetConvolutionBatchNormRelu (the fold in the addon)', () => {
  beforeAll(async () => {
    await import('../index.js');
  });

  // The model's fold by ops (BatchNormalization.inferenceScaleShift, ConvolutionLayer.applyScaledWithRelu), on cpu.
  function byOps(x: tf.Tensor4D, filter: tf.Tensor4D, parameters: tf.Tensor1D[], pad: 'same' | 'valid', epsilon: number): Float32Array {
    tf.setBackend('cpu');
    return tf.tidy(() => {
      const [gamma, beta, mean, variance] = parameters as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
      const scale = tf.div(gamma, tf.sqrt(tf.add(variance, epsilon))) as tf.Tensor1D;
      const shift = tf.sub(beta, tf.mul(mean, scale)) as tf.Tensor1D;
      const kernel = tf.mul(filter, scale) as tf.Tensor4D;
      return tf.fused.conv2d({ x, filter: kernel, strides: 1, pad, bias: shift, activation: 'relu' }).dataSync() as Float32Array;
    });
  }

  for (const [pad, xShape, filterShape] of [
    ['same', [2, 12, 10, 8], [3, 3, 8, 16]],
    ['valid', [1, 14, 14, 24], [3, 3, 24, 12]],
    ['same', [2, 9, 9, 16], [1, 1, 16, 2]],
  ] as const) {
    it(`equals the fold by tfjs ops within 1e-5, ${pad}, ${filterShape.join('x')} filter`, () => {
      tf.setBackend('cpu');
      const x = tf.randomNormal([...xShape], 0, 1, 'float32', 1) as tf.Tensor4D;
      const filter = tf.randomNormal([...filterShape], 0, 0.3, 'float32', 2) as tf.Tensor4D;
      const channels = filterShape[3];
      const parameters = [
        tf.randomUniform([channels], 0.5, 2, 'float32', 3),
        tf.randomNormal([channels], 0, 1, 'float32', 4),
        tf.randomNormal([channels], 0, 1, 'float32', 5),
        tf.randomUniform([channels], 0.1, 3, 'float32', 6),
      ] as tf.Tensor1D[];
      const expected = byOps(x, filter, parameters, pad, 1e-5);
      tf.setBackend('native');
      const [gamma, beta, mean, variance] = parameters;
      const actual = tf
        .engine()
        .runKernel(CONVOLUTION_BATCH_NORM_RELU_KERNEL, { x, filter, gamma: gamma!, beta: beta!, mean: mean!, variance: variance! }, {
          pad,
          epsilon: 1e-5,
        } as unknown as tf.NamedAttrMap) as tf.Tensor;
      const values = actual.dataSync() as Float32Array;
      expect(values.length).toBe(expected.length);
      expect(maxAbsoluteDifference(values, expected)).toBeLessThanOrEqual(1e-5);
      tf.dispose([x, filter, ...parameters, actual]);
    });
  }
});
