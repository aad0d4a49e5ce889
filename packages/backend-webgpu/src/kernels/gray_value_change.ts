import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { GrayValueProgram } from '../programs/gray_value_program.js';

/**
 * The paper's gray-value change on a batch of tiles in one dispatch (see GrayValueProgram).
 * Inputs: images [batch, height, width, channels], means [batch, channels] (each tile's
 * channel means), changes [batch, 4] (brightness, contrast, gamma, apply). Output: images.
 */
export const grayValueChangeKernelName = 'UnetGrayValueChange';

function grayValueChange(args: { inputs: Record<string, TensorInfo>; backend: WebGPUBackend }): TensorInfo {
  const { images, means, changes } = args.inputs;
  return args.backend.runWebGPUProgram(new GrayValueProgram(images.shape), [images, means, changes], 'float32');
}

export const grayValueChangeConfig: KernelConfig = {
  kernelName: grayValueChangeKernelName,
  backendName: 'webgpu',
  kernelFunc: grayValueChange as unknown as KernelFunc,
};
