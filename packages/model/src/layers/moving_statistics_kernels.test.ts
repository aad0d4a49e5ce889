import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterEach, describe, expect, it } from 'vitest';
import { ParameterStore } from '../parameters.js';
import { BatchNormalization } from './batch_normalization.js';
import { BuildContext } from './build_context.js';
import { MOVING_STATISTICS_KERNEL, type MovingStatisticsAttributes, hasMovingStatisticsKernel } from './moving_statistics_kernels.js';

const shape: [number, number, number, number] = [2, 3, 5, 3];

/** A training pass of one batch norm layer from moving statistics off their start; the moving statistics after it. */
async function afterOnePass(): Promise<{ mean: Float32Array; variance: Float32Array; x: Float32Array; before: Float32Array[] }> {
  const store = new ParameterStore();
  const layer = new BatchNormalization(new BuildContext(store, 5), 'bn', shape[3]);
  const movingMean = store.get('bn/moving_mean') as tf.Variable;
  const movingVariance = store.get('bn/moving_variance') as tf.Variable;
  movingMean.assign(tf.tensor1d([0.5, -1, 2]));
  movingVariance.assign(tf.tensor1d([0.3, 2, 1.5]));
  const x = tf.randomNormal(shape, 0.7, 2, 'float32', 11) as tf.Tensor4D;
  tf.dispose(layer.apply(x, true));
  const result = {
    mean: (await movingMean.data()) as Float32Array,
    variance: (await movingVariance.data()) as Float32Array,
    x: (await x.data()) as Float32Array,
    before: [Float32Array.of(0.5, -1, 2), Float32Array.of(0.3, 2, 1.5)],
  };
  x.dispose();
  return result;
}

/** The contract in float64, from the batch itself: the batch mean, the unbiased variance, momentum 0.1. */
function reference({ x, before }: { x: Float32Array; before: Float32Array[] }): { mean: number[]; variance: number[] } {
  const channels = shape[3];
  const count = x.length / channels;
  const mean: number[] = [];
  const variance: number[] = [];
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    for (let i = c; i < x.length; i += channels) sum += x[i]!;
    const batchMean = sum / count;
    let squares = 0;
    for (let i = c; i < x.length; i += channels) squares += (x[i]! - batchMean) ** 2;
    mean.push(before[0]![c]! * 0.9 + batchMean * 0.1);
    variance.push(before[1]![c]! * 0.9 + (squares / (count - 1)) * 0.1);
  }
  return { mean, variance };
}

function expectClose(actual: Float32Array, expected: number[]): void {
  for (const [index, value] of expected.entries())
    expect(Math.abs(actual[index]! - value)).toBeLessThan(1e-5 * Math.max(1, Math.abs(value)));
}

// A stand-in for a backend's kernel, on cpu: the contract's formulas, counting its calls.
let calls = 0;
function registerStandIn(): void {
  tf.registerKernel({
    kernelName: MOVING_STATISTICS_KERNEL,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      calls++;
      const { momentum, varianceScale } = attrs as unknown as MovingStatisticsAttributes;
      const cpu = backend as unknown as {
        readSync(dataId: object): Float32Array;
        makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
      };
      const read = (name: string) => cpu.readSync((inputs[name] as tf.TensorInfo).dataId);
      const [movingMean, movingVariance, mean, variance] = ['movingMean', 'movingVariance', 'mean', 'variance'].map(read);
      const newMean = movingMean!.map((value, c) => value * (1 - momentum) + mean![c]! * momentum);
      const newVariance = movingVariance!.map((value, c) => value * (1 - momentum) + variance![c]! * varianceScale * momentum);
      return [cpu.makeTensorInfo([newMean.length], 'float32', newMean), cpu.makeTensorInfo([newVariance.length], 'float32', newVariance)];
    },
  });
}

describe('BatchNormalization updates its moving statistics', () => {
  afterEach(() => {
    if (tf.getKernel(MOVING_STATISTICS_KERNEL, 'cpu') !== undefined) tf.unregisterKernel(MOVING_STATISTICS_KERNEL, 'cpu');
  });

  it("with tfjs-core ops where the backend has no UnetMovingStatistics: momentum 0.1, the batch's unbiased variance", async () => {
    await tf.setBackend('cpu');
    expect(hasMovingStatisticsKernel()).toBe(false);
    const pass = await afterOnePass();
    const expected = reference(pass);
    expectClose(pass.mean, expected.mean);
    expectClose(pass.variance, expected.variance);
  });

  it('through the kernel where the backend registers it, once per pass, to the same values', async () => {
    await tf.setBackend('cpu');
    registerStandIn();
    expect(hasMovingStatisticsKernel()).toBe(true);
    calls = 0;
    const pass = await afterOnePass();
    expect(calls).toBe(1);
    const expected = reference(pass);
    expectClose(pass.mean, expected.mean);
    expectClose(pass.variance, expected.variance);
  });
});
