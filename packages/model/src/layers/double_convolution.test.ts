import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@unet/core/register-gradients';
import { describeWithBackends, expectTensorsClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { resolveUNetConfig } from '../config.js';
import { ParameterStore } from '../parameters.js';
import { BuildContext } from './build_context.js';
import { CONVOLUTION_BATCH_NORM_RELU_KERNEL } from './convolution_batch_norm_kernels.js';
import { DoubleConvolution } from './double_convolution.js';

// A double convolution with batch norm whose statistics and affine weights are far from their
// initial values (gamma 1, beta 0, mean 0, variance 1 would make a fold that forgot a term look
// right), with and without convolution bias.
function build(padding: 'valid' | 'same', convolutionBias: boolean): { block: DoubleConvolution; store: ParameterStore } {
  const store = new ParameterStore();
  const config = resolveUNetConfig({ padding, normalization: 'batch', convolutionBias });
  const block = new DoubleConvolution(new BuildContext(store, 5), 'block', 3, 4, config);
  for (const [seed, [name, variable]] of store.entries().entries()) {
    if (name.includes('kernel')) continue;
    const [low, high] = name.endsWith('moving_variance') ? [0.2, 3] : name.endsWith('gamma') ? [0.5, 2] : [-1, 1];
    variable.assign(tf.randomUniform(variable.shape, low, high, 'float32', 40 + seed));
  }
  return { block, store };
}

// Conv, batch norm on the moving statistics and ReLU as three separate tfjs ops, from the weights.
function reference(x: tf.Tensor4D, store: ParameterStore, padding: 'valid' | 'same', convolutionBias: boolean): tf.Tensor4D {
  let y = x;
  for (const index of [1, 2]) {
    const weight = (name: string) => store.get(`block/${name}`) as tf.Tensor;
    let convolved = tf.conv2d(y, weight(`conv${index}/kernel`) as tf.Tensor4D, 1, padding);
    if (convolutionBias) convolved = tf.add(convolved, weight(`conv${index}/bias`));
    const norm = `batch_norm${index}`;
    y = tf.relu(
      tf.batchNorm4d(
        convolved,
        weight(`${norm}/moving_mean`) as tf.Tensor1D,
        weight(`${norm}/moving_variance`) as tf.Tensor1D,
        weight(`${norm}/beta`) as tf.Tensor1D,
        weight(`${norm}/gamma`) as tf.Tensor1D,
        1e-5,
      ),
    );
  }
  return y;
}

describeWithBackends('DoubleConvolution in inference', () => {
  for (const [padding, convolutionBias] of [
    ['valid', true],
    ['same', false],
  ] as const) {
    it(`folds batch norm into one fused convolution each, with the value of conv, batch norm, ReLU (${padding}, bias ${convolutionBias})`, async () => {
      const { block, store } = build(padding, convolutionBias);
      const x = tf.randomNormal([2, 9, 8, 3], 0, 1, 'float32', 31) as tf.Tensor4D;
      const profile = await tf.profile(() => tf.tidy(() => block.apply(x, false)));
      const kernels = profile.kernels.map((kernel) => kernel.name);
      // The fold's fused convolution, or the backend's one kernel for it where the layer has no bias.
      const viaKernel = !convolutionBias && tf.getKernel(CONVOLUTION_BATCH_NORM_RELU_KERNEL, tf.getBackend()) !== undefined;
      expect(kernels.filter((name) => name === (viaKernel ? CONVOLUTION_BATCH_NORM_RELU_KERNEL : 'FusedConv2D'))).toHaveLength(2);
      expect(kernels).not.toContain('FusedBatchNorm');
      const folded = tf.tidy(() => block.apply(x, false));
      const expected = tf.tidy(() => reference(x, store, padding, convolutionBias));
      expectTensorsClose(folded, expected, 1e-4, 1e-4);
      // Some pixels are cut by the ReLU and some are not: both sides of the fold are exercised.
      const positive = tf.tidy(() => tf.mean(tf.cast(tf.greater(expected, 0), 'float32')).dataSync()[0]!);
      expect(positive).toBeGreaterThan(0.2);
      expect(positive).toBeLessThan(0.8);
      tf.dispose([x, folded, expected]);
      store.dispose();
    });
  }

  it('has the input gradient of conv, batch norm, ReLU when one is recorded (it then runs them unfolded)', () => {
    const { block, store } = build('same', true);
    const x = tf.randomNormal([1, 6, 6, 3], 0, 1, 'float32', 32) as tf.Tensor4D;
    const actual = tf.grad((input: tf.Tensor) => tf.sum(block.apply(input as tf.Tensor4D, false)))(x);
    const expected = tf.grad((input: tf.Tensor) => tf.sum(reference(input as tf.Tensor4D, store, 'same', true)))(x);
    expectTensorsClose(actual, expected, 1e-4, 1e-4);
    expect(tf.tidy(() => tf.max(tf.abs(expected)).dataSync()[0]!)).toBeGreaterThan(1e-2);
    tf.dispose([x, actual, expected]);
    store.dispose();
  });
});
