import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

// tfjs-backend-webgpu's own kernels that registerWebGPUKernels replaced, by kernel name: put back
// by unregisterWebGPUKernels, and run by ours for shapes they do not take.
export const replacedKernels = new Map<string, KernelConfig>();

/** Runs tfjs-backend-webgpu's own kernel `kernelName` (for a shape ours do not take). */
export function runReplacedKernel(kernelName: string, args: unknown): TensorInfo {
  const original = replacedKernels.get(kernelName);
  if (original === undefined) {
    throw new Error(
      `@unet/backend-webgpu ${kernelName}: this shape needs tfjs-backend-webgpu's own kernel, which was not registered before ours (import @tensorflow/tfjs-backend-webgpu first)`,
    );
  }
  return original.kernelFunc(args as Parameters<KernelFunc>[0]) as TensorInfo;
}
