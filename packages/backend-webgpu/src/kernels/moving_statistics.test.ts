import * as tf from '@tensorflow/tfjs-core';
import { MOVING_STATISTICS_KERNEL } from '@unet/model';
import { describeWithBackends, expectArraysClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { countDispatches } from '../dispatch_counter.js';
import { movingStatisticsKernelName } from './moving_statistics.js';

const attributes = { momentum: 0.1, varianceScale: 512 / 511 };

// The tfjs-core ops that @unet/model's BatchNormalization runs without the kernel, on cpu.
async function withOps(inputs: Float32Array[]): Promise<Float32Array[]> {
  await tf.setBackend('cpu');
  const [movingMean, movingVariance, mean, variance] = inputs.map((values) => tf.tensor1d(values));
  const unbiased = tf.mul(variance!, attributes.varianceScale);
  const outputs = [
    tf.add(tf.mul(movingMean!, 1 - attributes.momentum), tf.mul(mean!, attributes.momentum)),
    tf.add(tf.mul(movingVariance!, 1 - attributes.momentum), tf.mul(unbiased, attributes.momentum)),
  ];
  const values = (await Promise.all(outputs.map((output) => output.data()))) as Float32Array[];
  tf.dispose([movingMean, movingVariance, mean, variance, unbiased, ...outputs]);
  return values;
}

describeWithBackends(
  'UnetMovingStatistics (batch norm moving statistics in two dispatches)',
  (backend) => {
    for (const channels of [3, 130]) {
      it(`gives the tfjs-core ops' new mean and variance within 1e-6, ${channels} channels, in 2 dispatches`, async () => {
        expect(movingStatisticsKernelName).toBe(MOVING_STATISTICS_KERNEL);
        const random = (seed: number, low: number, high: number) =>
          Float32Array.from({ length: channels }, (_, c) => low + ((Math.sin(seed * 97 + c * 13.7) + 1) / 2) * (high - low));
        const inputs = [random(1, -2, 2), random(2, 0.1, 3), random(3, -1, 1), random(4, 0.05, 2)];
        const expected = await withOps(inputs);
        await tf.setBackend(backend);
        const tensors = inputs.map((values) => tf.tensor1d(values));
        const named = { movingMean: tensors[0]!, movingVariance: tensors[1]!, mean: tensors[2]!, variance: tensors[3]! };
        let outputs: tf.Tensor[] = [];
        const count = countDispatches(() => {
          outputs = tf.engine().runKernel(MOVING_STATISTICS_KERNEL, named, attributes as unknown as tf.NamedAttrMap) as tf.Tensor[];
        });
        expect(count.total).toBe(2);
        expect(new Map(count.byProgram).get('MovingStatisticsProgram')).toBe(2);
        for (const [index, output] of outputs.entries()) {
          expect(output.shape).toEqual([channels]);
          expectArraysClose((await output.data()) as Float32Array, expected[index]!, 1e-6);
        }
        tf.dispose([...tensors, ...outputs]);
      });
    }
  },
  ['webgpu'],
);
