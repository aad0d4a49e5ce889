import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { MovingStatisticsProgram, movingStatisticsUniforms } from '../programs/moving_statistics_program.js';

/**
 * Batch norm's moving statistics after a training pass, as @unet/model's BatchNormalization
 * asks for them (the contract is in its layers/moving_statistics_kernels.ts): two dispatches
 * per layer, where its tfjs-core ops take seven.
 */
export const movingStatisticsKernelName = 'UnetMovingStatistics';

function movingStatistics(args: {
  inputs: Record<string, TensorInfo>;
  backend: WebGPUBackend;
  attrs: { momentum: number; varianceScale: number };
}): TensorInfo[] {
  const { movingMean, movingVariance, mean, variance } = args.inputs;
  const channels = movingMean.shape[0];
  const uniforms = movingStatisticsUniforms(args.attrs);
  return [
    args.backend.runWebGPUProgram(new MovingStatisticsProgram('mean', channels), [movingMean, mean], 'float32', uniforms),
    args.backend.runWebGPUProgram(new MovingStatisticsProgram('variance', channels), [movingVariance, variance], 'float32', uniforms),
  ];
}

export const movingStatisticsConfig: KernelConfig = {
  kernelName: movingStatisticsKernelName,
  backendName: 'webgpu',
  kernelFunc: movingStatistics as unknown as KernelFunc,
};
