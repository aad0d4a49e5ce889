import * as tf from '@tensorflow/tfjs-core';
import '@unet/core/register-gradients';
import { describeWithBackends } from '@unet/test-utils';
import { expect, it } from 'vitest';
import type { UNetConfig } from './config.js';
import { createUNet, type UNet } from './unet.js';

// Gradients against finite differences, per variable, along two unit directions: the
// variable's own gradient g/|g| (where the derivative must be |g|) and a fixed random one r
// (where it must be <g, r>). A float32 network with ReLUs and max pooling is only piecewise
// smooth, and a two-point difference quotient scatters by ~10% here (kinks crossed by the step,
// rounding of a loss of ~5). So the derivative is the least-squares slope of the loss at nine
// points in [-2h, 2h], which averages both out, and the tolerance is 5% of |g| (the scale of
// both derivatives). Measured here: within 4% for every variable. A wrong gradient (a missing
// term, a transposed kernel, a wrong sign, or tfjs's own wrong resizeBilinear gradient with
// half-pixel centres, which this test caught at 7-11%) exceeds it.
function lossOf(model: UNet, input: tf.Tensor4D, target: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(model.apply(input, { training: true, seed: 1 }), target))) as tf.Scalar);
}

function unit(values: Float32Array): Float32Array {
  const norm = Math.hypot(...values);
  return values.map((value) => value / norm);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function checkAgainstFiniteDifferences(config: Partial<UNetConfig>, inputSize: number): void {
  const model = createUNet({ seed: 3, ...config });
  const outputShape = model.outputShape([2, inputSize, inputSize, 1]);
  const input = tf.randomNormal([2, inputSize, inputSize, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
  const target = tf.randomNormal(outputShape, 0, 1, 'float32', 5) as tf.Tensor4D;
  const variables = model.trainableVariables;
  // Biases start at zero, which puts ReLUs fed by a dead channel exactly on their kink, where
  // no finite difference converges; random biases move every unit off it.
  for (const [index, { name, variable }] of model.namedWeights().entries()) {
    if (name.endsWith('/bias') || name.endsWith('/beta')) {
      variable.assign(tf.randomNormal(variable.shape, 0, 0.1, 'float32', 200 + index));
    }
  }
  const { value, grads } = tf.variableGrads(() => lossOf(model, input, target), variables);
  const step = 2e-3;
  for (const [index, variable] of variables.entries()) {
    const analytic = grads[variable.name].dataSync() as Float32Array;
    const original = variable.dataSync().slice() as Float32Array;
    const random = unit(tf.tidy(() => tf.randomNormal(variable.shape, 0, 1, 'float32', 50 + index).dataSync() as Float32Array));
    const gradientNorm = Math.sqrt(dot(analytic, analytic));
    const directions = gradientNorm > 0 ? [unit(analytic), random] : [random];
    for (const direction of directions) {
      const lossAlong = (scale: number) => {
        variable.assign(
          tf.tensor(
            original.map((weight, i) => weight + scale * direction[i]),
            variable.shape,
          ),
        );
        return tf.tidy(() => lossOf(model, input, target).dataSync()[0]);
      };
      const offsets = [-4, -3, -2, -1, 0, 1, 2, 3, 4].map((k) => (k * step) / 2);
      const losses = offsets.map(lossAlong);
      const meanLoss = losses.reduce((sum, loss) => sum + loss, 0) / losses.length;
      const numeric =
        dot(
          offsets,
          losses.map((loss) => loss - meanLoss),
        ) / dot(offsets, offsets);
      const expected = dot(analytic, direction);
      expect(Math.abs(numeric - expected), `${variable.name}: numeric ${numeric}, analytic ${expected}`).toBeLessThanOrEqual(
        0.05 * gradientNorm + 5e-3,
      );
    }
    variable.assign(tf.tensor(original, variable.shape));
  }
  tf.dispose([input, target, value, ...Object.values(grads)]);
  model.dispose();
}

// Each case runs 18 forward passes per variable: about 25 s alone on two cores, and it went past
// the suite's 60 s when CI's other packages ran beside it on the same two cores.
const FINITE_DIFFERENCES_TIMEOUT_MS = 240_000;

describeWithBackends('U-Net gradients agree with finite differences', () => {
  it(
    'for an unpadded network with biases (the paper)',
    () => {
      checkAgainstFiniteDifferences({ baseChannels: 8, depth: 2, padding: 'valid', dropout: 0 }, 44);
    },
    FINITE_DIFFERENCES_TIMEOUT_MS,
  );

  it(
    'for a padded network with batch norm and no bias (the small preset)',
    () => {
      checkAgainstFiniteDifferences(
        { baseChannels: 8, depth: 2, padding: 'same', normalization: 'batch', convolutionBias: false, dropout: 0 },
        16,
      );
    },
    FINITE_DIFFERENCES_TIMEOUT_MS,
  );

  it('for bilinear up-sampling and dropout with a fixed seed', () => {
    checkAgainstFiniteDifferences({ baseChannels: 8, depth: 1, padding: 'same', upSampling: 'bilinear', dropout: 0.3 }, 8);
  });
});
