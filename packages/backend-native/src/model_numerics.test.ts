import * as tf from '@tensorflow/tfjs-core';
import '@unet/core/register-gradients';
import { createUNet, presetConfig, type UNet } from '@unet/model';
import { maxAbsoluteDifference } from '@unet/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { nativeAddonStatus } from './addon_status.js';

const status = nativeAddonStatus();

interface Result {
  output: Float32Array;
  loss: number;
  gradients: Float32Array[];
}

// The U-Net's output and the gradients of a softmax cross-entropy loss, in training mode (batch
// statistics, dropout with a fixed seed). The cpu backend's convolution gradients are plain
// loops, so the images are the smallest each preset takes.
function run(backend: string, build: () => UNet, inputShape: [number, number, number, number]): Result {
  tf.setBackend(backend);
  const model = build();
  const result = tf.tidy(() => {
    const input = tf.randomUniform(inputShape, 0, 1, 'float32', 5) as tf.Tensor4D;
    const output = model.apply(input, { training: true, seed: 9 });
    const labels = tf.oneHot(tf.randomUniform(output.shape.slice(0, 3) as [number, number, number], 0, 2, 'int32', 6) as tf.Tensor3D, 2);
    const { value, grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(labels, model.apply(input, { training: true, seed: 9 })) as tf.Scalar,
      model.trainableVariables,
    );
    return {
      output: output.dataSync() as Float32Array,
      loss: value.dataSync()[0],
      gradients: model.trainableVariables.map((variable) => grads[variable.name].dataSync() as Float32Array),
    };
  });
  model.dispose();
  return result;
}

function worstDifference(native: Result, cpu: Result): { output: number; gradient: number } {
  const gradient = Math.max(...cpu.gradients.map((values, index) => maxAbsoluteDifference(native.gradients[index], values)));
  return { output: maxAbsoluteDifference(native.output, cpu.output), gradient };
}

describe.skipIf(!status.available)('the U-Net on native and on cpu', () => {
  beforeAll(async () => {
    await import('./index.js');
  });

  it('small preset: the same training-mode output and gradients (max abs diff <= 1e-4)', () => {
    const build = () => createUNet(presetConfig('small', { seed: 3 }));
    const cpu = run('cpu', build, [2, 16, 16, 1]);
    const native = run('native', build, [2, 16, 16, 1]);
    const worst = worstDifference(native, cpu);
    if (process.env.UNET_REPORT_DIFFERENCES === '1') console.log(JSON.stringify(worst));
    expect(native.loss).toBeCloseTo(cpu.loss, 5);
    expect(worst.output).toBeLessThanOrEqual(1e-4);
    expect(worst.gradient).toBeLessThanOrEqual(1e-4);
    // The gradients are not all zero (a test that compared zeros with zeros would prove nothing).
    const largest = cpu.gradients.reduce((worst, values) => values.reduce((most, value) => Math.max(most, Math.abs(value)), worst), 0);
    expect(largest).toBeGreaterThan(1e-3);
  });

  it('paper preset, narrowed: unpadded convolutions with bias, dropout, crops (max abs diff <= 1e-4)', () => {
    // baseChannels 4 keeps the cpu backend's loops short; the layers are the paper's.
    const build = () => createUNet(presetConfig('paper', { seed: 4, baseChannels: 4 }));
    const cpu = run('cpu', build, [1, 188, 188, 1]);
    const native = run('native', build, [1, 188, 188, 1]);
    const worst = worstDifference(native, cpu);
    if (process.env.UNET_REPORT_DIFFERENCES === '1') console.log(JSON.stringify(worst));
    expect(worst.output).toBeLessThanOrEqual(1e-4);
    expect(worst.gradient).toBeLessThanOrEqual(1e-4);
  });

  it('leaks no tensors across training steps', () => {
    tf.setBackend('native');
    const model = createUNet(presetConfig('small', { seed: 5 }));
    const optimizer = tf.train.adam(1e-3);
    const input = tf.randomUniform([2, 16, 16, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
    const labels = tf.oneHot(tf.randomUniform([2, 16, 16], 0, 2, 'int32', 8) as tf.Tensor3D, 2);
    const step = () =>
      tf.tidy(() => {
        optimizer.minimize(
          () => tf.losses.softmaxCrossEntropy(labels, model.apply(input, { training: true })) as tf.Scalar,
          false,
          model.trainableVariables,
        );
      });
    step();
    const before = tf.memory().numTensors;
    step();
    step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([input, labels]);
    optimizer.dispose();
    model.dispose();
  });

  // Inference folds batch norm into the convolutions and runs the up-convolutions beside their
  // skips as one kernel on native; on cpu the fold runs as tfjs's ops. Moving statistics away
  // from their initial (0, 1) make the fold matter.
  function inference(backend: string, build: () => UNet, inputShape: [number, number, number, number]): Float32Array {
    tf.setBackend(backend);
    const model = build();
    for (const { name, variable } of model.namedWeights()) {
      if (name.endsWith('moving_mean') || name.endsWith('beta')) variable.assign(tf.randomUniform(variable.shape, -0.5, 0.5, 'float32', 1));
      if (name.endsWith('moving_variance') || name.endsWith('gamma'))
        variable.assign(tf.randomUniform(variable.shape, 0.5, 2, 'float32', 2));
    }
    const output = tf.tidy(() => model.apply(tf.randomUniform(inputShape, 0, 1, 'float32', 5) as tf.Tensor4D).dataSync() as Float32Array);
    model.dispose();
    return output;
  }

  it('small and narrowed paper presets: the same inference output (max abs diff <= 1e-4)', () => {
    const small = () => createUNet(presetConfig('small', { seed: 6 }));
    expect(maxAbsoluteDifference(inference('native', small, [2, 64, 64, 1]), inference('cpu', small, [2, 64, 64, 1]))).toBeLessThanOrEqual(
      1e-4,
    );
    const paper = () => createUNet(presetConfig('paper', { seed: 7, baseChannels: 4 }));
    expect(
      maxAbsoluteDifference(inference('native', paper, [1, 188, 188, 1]), inference('cpu', paper, [1, 188, 188, 1])),
    ).toBeLessThanOrEqual(1e-4);
  });
});
