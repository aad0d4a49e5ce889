import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@unet/core/register-gradients';
import { maxAbsoluteDifference } from '@unet/test-utils';
import { describe, expect, it } from 'vitest';
import { presetConfig } from './presets.js';
import { createUNet } from './unet.js';

interface Result {
  output: Float32Array;
  gradients: Float32Array[];
}

// The cpu backend's convolution gradients are plain loops (seconds even for a 32x32 image), so
// gradients are compared on 16x16 images, the smallest the small preset (depth 4) takes, and
// outputs on a batch of two 64x64 images.
async function runOn(backend: 'cpu' | 'wasm', training: boolean): Promise<Result> {
  await tf.setBackend(backend);
  const model = createUNet(presetConfig('small', { seed: 11 }));
  const input = tf.randomUniform([2, 64, 64, 1], 0, 1, 'float32', 12) as tf.Tensor4D;
  const output = model.apply(input, { training }).dataSync() as Float32Array;
  const small = tf.randomUniform([1, 16, 16, 1], 0, 1, 'float32', 13) as tf.Tensor4D;
  const { value, grads } = tf.variableGrads(
    () => tf.mean(tf.square(model.apply(small, { training }))) as tf.Scalar,
    model.trainableVariables,
  );
  const gradients = model.trainableVariables.map((variable) => grads[variable.name].dataSync() as Float32Array);
  tf.dispose([input, small, value, ...Object.values(grads)]);
  model.dispose();
  return { output, gradients };
}

function largest(values: Float32Array): number {
  return values.reduce((worst, value) => Math.max(worst, Math.abs(value)), 0);
}

describe('the same weights on cpu and wasm', () => {
  it('give the same inference output and gradients of the small preset (max abs diff <= 1e-4)', async () => {
    const cpu = await runOn('cpu', false);
    const wasm = await runOn('wasm', false);
    expect(maxAbsoluteDifference(wasm.output, cpu.output)).toBeLessThanOrEqual(1e-4);
    for (const [index, gradient] of cpu.gradients.entries()) {
      // Gradients of a mean over many logits are small; compare relative to their own scale.
      const scale = Math.max(largest(gradient), 1e-12);
      expect(maxAbsoluteDifference(wasm.gradients[index], gradient) / scale).toBeLessThanOrEqual(1e-3);
    }
  });

  it('give the same training-mode output (batch statistics) within float32 rounding', async () => {
    const cpu = await runOn('cpu', true);
    const wasm = await runOn('wasm', true);
    // Batch statistics divide by a per-batch std, which magnifies float32 rounding differences
    // between the backends' reductions; 1e-4 relative to the output's scale still catches any
    // real error (a wrong axis or a missing term changes outputs by O(1)).
    const scale = largest(cpu.output);
    expect(maxAbsoluteDifference(wasm.output, cpu.output) / scale).toBeLessThanOrEqual(1e-4);
  });
});
