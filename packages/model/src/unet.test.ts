import * as tf from '@tensorflow/tfjs-core';
import '@unet/core/register-gradients';
import { describeWithBackends } from '@unet/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNetConfigError, UNetInputError } from './errors.js';
import { presetConfig } from './presets.js';
import { createUNet, type UNet } from './unet.js';

// The paper's network counted by hand, layer by layer (independent of the code under test):
// a 3x3 conv from a to b channels has 9ab + b parameters, a 2x2 up-conv 4ab + b, the head 64*2 + 2.
function paperParameterCount(): number {
  const widths = [64, 128, 256, 512, 1024];
  const conv3 = (a: number, b: number) => 9 * a * b + b;
  let total = conv3(1, 64) + conv3(64, 64);
  for (let level = 1; level <= 4; level++) {
    total += conv3(widths[level - 1], widths[level]) + conv3(widths[level], widths[level]);
  }
  for (let level = 3; level >= 0; level--) {
    total += 4 * widths[level + 1] * widths[level] + widths[level];
    total += conv3(2 * widths[level], widths[level]) + conv3(widths[level], widths[level]);
  }
  return total + 64 * 2 + 2;
}

describeWithBackends('the paper preset', () => {
  let model: UNet;
  beforeAll(() => {
    model = createUNet(presetConfig('paper'));
  });
  afterAll(() => model.dispose());

  it('has exactly 31,030,658 parameters (1 channel, 2 classes, with biases)', () => {
    expect(paperParameterCount()).toBe(31_030_658);
    expect(model.parameterCount).toBe(31_030_658);
  });

  it('has 23 convolution layers', () => {
    const kernels = model.namedWeights().filter((weight) => weight.name.endsWith('/kernel'));
    expect(kernels).toHaveLength(23);
    expect(kernels.filter((weight) => weight.variable.rank === 4)).toHaveLength(23);
  });

  it('is the configuration of the PyTorch reference (../shared/bench/torch_unet.py)', () => {
    expect(model.config).toMatchObject({
      baseChannels: 64,
      depth: 4,
      padding: 'valid',
      normalization: 'none',
      convolutionBias: true,
      upSampling: 'transposed',
      dropout: 0.5,
    });
  });

  it('maps 1x572x572x1 to 1x388x388x2', () => {
    expect(model.outputShape([1, 572, 572, 1])).toEqual([1, 388, 388, 2]);
    expect(model.outputShape([2, 508, 444, 1])).toEqual([2, 324, 260, 2]);
  });

  it('rejects an input size the unpadded network cannot take, naming valid ones', () => {
    expect(() => model.outputShape([1, 570, 572, 1])).toThrow(UNetInputError);
    expect(() => model.outputShape([1, 570, 572, 1])).toThrow(/556.*572|572.*556/);
  });

  it('rejects an input with the wrong channel count', () => {
    expect(() => model.outputShape([1, 572, 572, 3])).toThrow(/3 channels.*takes 1/);
  });

  it('initialises every kernel with the std sqrt(2 / N) of the paper', () => {
    for (const { name, variable } of model.namedWeights()) {
      if (!name.endsWith('/kernel')) continue;
      const [kernelHeight, kernelWidth, third, fourth] = variable.shape;
      // A conv kernel is [k, k, in, out]; an up-conv kernel [2, 2, out, in] whose output pixel
      // sees one tap per input channel.
      const fanIn = name.includes('up_convolution') ? fourth : kernelHeight * kernelWidth * third;
      const expected = Math.sqrt(2 / fanIn);
      const values = variable.dataSync();
      let sum = 0;
      let sumOfSquares = 0;
      for (const value of values) {
        sum += value;
        sumOfSquares += value * value;
      }
      const mean = sum / values.length;
      const std = Math.sqrt(sumOfSquares / values.length - mean * mean);
      // 5% as the issue asks; the 128-weight head's sample std has a standard error of 6%,
      // so small kernels get three standard errors instead.
      const tolerance = Math.max(0.05, 3 / Math.sqrt(2 * values.length));
      expect(Math.abs(std / expected - 1), `${name}: std ${std} vs ${expected}`).toBeLessThan(tolerance);
    }
  });

  it('starts every bias at zero', () => {
    for (const { name, variable } of model.namedWeights()) {
      if (name.endsWith('/bias')) expect(tf.max(tf.abs(variable)).dataSync()[0]).toBe(0);
    }
  });
});

describe('the small preset', () => {
  beforeAll(() => tf.setBackend('cpu'));

  it('has the parameters counted by hand: 3x3 convs without bias, batch norm gamma and beta', () => {
    const widths = [16, 32, 64, 128, 256];
    const conv3 = (a: number, b: number) => 9 * a * b + 2 * b; // kernel + gamma, beta
    let expected = conv3(1, 16) + conv3(16, 16);
    for (let level = 1; level <= 4; level++) expected += conv3(widths[level - 1], widths[level]) + conv3(widths[level], widths[level]);
    for (let level = 3; level >= 0; level--) {
      expected += 4 * widths[level + 1] * widths[level] + widths[level];
      expected += conv3(2 * widths[level], widths[level]) + conv3(widths[level], widths[level]);
    }
    expected += 16 * 2 + 2;
    const model = createUNet(presetConfig('small'));
    expect(expected).toBe(1_942_306);
    expect(model.parameterCount).toBe(expected);
    // Moving mean and variance are saved but not trained.
    const movingStatistics = model.namedWeights().filter((weight) => !weight.trainable);
    expect(movingStatistics).toHaveLength(36);
    model.dispose();
  });
});

describe('configs', () => {
  beforeAll(() => tf.setBackend('cpu'));

  it('rejects unknown keys and bad values with the field name', () => {
    expect(() => createUNet({ depht: 3 } as never)).toThrow(/unknown key 'depht'/);
    expect(() => createUNet({ dropout: 1.5 })).toThrow(UNetConfigError);
    expect(() => createUNet({ padding: 'mirror' as never })).toThrow(/padding must be one of/);
  });

  it('gives the same weights for the same seed and different ones for another', () => {
    const config = { baseChannels: 2, depth: 1, seed: 7 };
    const [a, b, c] = [createUNet(config), createUNet(config), createUNet({ ...config, seed: 8 })];
    const first = (model: typeof a) => model.namedWeights()[0].variable.dataSync();
    expect(first(a)).toEqual(first(b));
    expect(first(a)).not.toEqual(first(c));
    for (const model of [a, b, c]) model.dispose();
  });
});

describeWithBackends('a forward pass', (backend) => {
  it(
    'of the paper network maps 188x188 to 4x4 logits',
    () => {
      const model = createUNet(presetConfig('paper'));
      const input = tf.randomUniform([1, 188, 188, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
      const output = model.apply(input);
      expect(output.shape).toEqual([1, 4, 4, 2]);
      expect(Number.isFinite(tf.sum(tf.abs(output)).dataSync()[0])).toBe(true);
      tf.dispose([input, output]);
      model.dispose();
    },
    backend === 'cpu' ? 400_000 : 60_000,
  ); // cpu: about 60 s alone on 2 cores, more beside other suites

  it('of the small network keeps the size and gives probabilities that sum to one', () => {
    const model = createUNet(presetConfig('small'));
    const input = tf.randomUniform([2, 32, 48, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    const probabilities = model.predict(input);
    expect(probabilities.shape).toEqual([2, 32, 48, 2]);
    const sums = tf.sum(probabilities, -1).dataSync();
    for (const value of sums) expect(value).toBeCloseTo(1, 5);
    tf.dispose([input, probabilities]);
    model.dispose();
  });

  it('leaks no tensors, in inference or in training mode', () => {
    const model = createUNet(presetConfig('small', { baseChannels: 4 }));
    const input = tf.randomUniform([1, 32, 32, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const run = (training: boolean) => tf.dispose(model.apply(input, { training }));
    run(false);
    run(true);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      run(false);
      run(true);
      tf.dispose(model.predict(input));
    }
    expect(tf.memory().numTensors).toBe(before);
    input.dispose();
    model.dispose();
  });

  it('lets each activation go in inference once its last reader has run: at most 0.6 of the peak memory of a training pass', async () => {
    // Training keeps every activation (its tape saves them). Inference used to keep them too,
    // until the pass ended: 0.98 of training's peak then, 0.51 now (the first level's two
    // convolution outputs are the peak).
    const model = createUNet(presetConfig('paper', { baseChannels: 4 }));
    const input = tf.randomUniform([1, 188, 188, 1], 0, 1, 'float32', 6) as tf.Tensor4D;
    const peakAbove = async (training: boolean) => {
      const before = tf.memory().numBytes;
      const info = await tf.profile(() => model.apply(input, { training }));
      tf.dispose(info.result as tf.Tensor);
      return info.peakBytes - before;
    };
    const inference = await peakAbove(false);
    const training = await peakAbove(true);
    expect(inference).toBeGreaterThan(0);
    expect(inference).toBeLessThan(0.6 * training);
    input.dispose();
    model.dispose();
  });

  it('disposes every weight with the model', () => {
    const before = tf.memory().numTensors;
    createUNet({ baseChannels: 2, depth: 2 }).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
