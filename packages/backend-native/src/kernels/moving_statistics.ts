import type * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';

/**
 * The kernel that @unet/model's BatchNormalization looks for to update its moving statistics
 * (the contract is in its layers/moving_statistics_kernels.ts; a test checks that the names
 * agree): both new statistics in one call, where the ops ran seven kernels a layer, 130 calls
 * of a small-preset train step that each cost more to dispatch than to compute. Channels are
 * few (16 to 1024), so it is a JavaScript loop that rounds to float32 where the cpu ops do and
 * gives their floats bit for bit.
 */
export const movingStatisticsKernelName = 'UnetMovingStatistics';

export const movingStatisticsConfig: tf.KernelConfig = {
  kernelName: movingStatisticsKernelName,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { movingMean, movingVariance, mean, variance } = args.inputs as Record<string, tf.TensorInfo>;
    const { momentum, varianceScale } = args.attrs as unknown as { momentum: number; varianceScale: number };
    const [oldMean, oldVariance, batchMean, batchVariance] = [movingMean!, movingVariance!, mean!, variance!].map((tensor) =>
      backend.floats(tensor),
    ) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const keep = Math.fround(1 - momentum);
    const take = Math.fround(momentum);
    const scale = Math.fround(varianceScale);
    const newMean = new Float32Array(oldMean.length);
    const newVariance = new Float32Array(oldVariance.length);
    for (let channel = 0; channel < newMean.length; channel++) {
      newMean[channel] = Math.fround(oldMean[channel]! * keep) + Math.fround(batchMean[channel]! * take);
      const unbiased = varianceScale === 1 ? batchVariance[channel]! : Math.fround(batchVariance[channel]! * scale);
      newVariance[channel] = Math.fround(oldVariance[channel]! * keep) + Math.fround(unbiased * take);
    }
    return [
      backend.makeTensorInfo(movingMean!.shape, 'float32', newMean),
      backend.makeTensorInfo(movingVariance!.shape, 'float32', newVariance),
    ];
  },
};
