import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { AdamUpdateProgram, adamUniforms } from '../programs/adam_update_program.js';

/**
 * The Adam update that @unet/train's optimizer looks for (its contract is in @unet/train's
 * optim/adam_kernels.ts): a variable's new value and moments in three elementwise
 * dispatches, where tfjs's AdamOptimizer runs about 14 ops per variable.
 */
export const adamUpdateKernelName = 'UnetAdamUpdate';

function adamUpdate(args: {
  inputs: Record<string, TensorInfo>;
  backend: WebGPUBackend;
  attrs: { learningRate: number; beta1: number; beta2: number; epsilon: number };
}): TensorInfo[] {
  const { value, gradient, firstMoment, secondMoment, accBeta1, accBeta2 } = args.inputs;
  const { backend } = args;
  const uniforms = adamUniforms(args.attrs);
  const shape = value.shape;
  const newValue = backend.runWebGPUProgram(
    new AdamUpdateProgram('value', shape),
    [value, gradient, firstMoment, secondMoment, accBeta1, accBeta2],
    'float32',
    uniforms,
  );
  const newFirstMoment = backend.runWebGPUProgram(
    new AdamUpdateProgram('firstMoment', shape),
    [firstMoment, gradient],
    'float32',
    uniforms,
  );
  const newSecondMoment = backend.runWebGPUProgram(
    new AdamUpdateProgram('secondMoment', shape),
    [secondMoment, gradient],
    'float32',
    uniforms,
  );
  return [newValue, newFirstMoment, newSecondMoment];
}

export const adamUpdateConfig: KernelConfig = {
  kernelName: adamUpdateKernelName,
  backendName: 'webgpu',
  kernelFunc: adamUpdate as unknown as KernelFunc,
};
