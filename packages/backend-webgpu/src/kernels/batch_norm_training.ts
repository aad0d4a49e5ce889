import { type KernelConfig, type KernelFunc, type TensorInfo, util } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { BatchNormElementwiseProgram } from '../programs/batch_norm_elementwise_program.js';
import { BatchNormFinalizeProgram } from '../programs/batch_norm_finalize_program.js';
import { BatchNormPartialSumsProgram } from '../programs/batch_norm_partial_sums_program.js';
import { batchNormUniforms, planBatchNorm } from '../programs/batch_norm_uniforms.js';

/**
 * The training-mode batch norm kernels that @unet/model's batchNormTraining looks for (their
 * contract is in @unet/model's layers/batch_norm_kernels.ts; the model suite checks the
 * results against cpu): UnetBatchNormTraining in four dispatches (partial sums, mean,
 * variance, normalise with the optional ReLU), where tfjs-core's ops take a dozen.
 */
export const batchNormTrainingKernelName = 'UnetBatchNormTraining';
export const batchNormTrainingGradKernelName = 'UnetBatchNormTrainingGrad';

function batchNormTraining(args: {
  inputs: Record<string, TensorInfo>;
  backend: WebGPUBackend;
  attrs: { epsilon: number; relu: boolean };
}): TensorInfo[] {
  const { x, gamma, beta } = args.inputs;
  const { backend } = args;
  const { epsilon, relu } = args.attrs;
  const channels = gamma.shape[0];
  const plan = planBatchNorm(channels, util.sizeFromShape(x.shape) / channels);
  const uniforms = batchNormUniforms(plan, epsilon);
  const partials = backend.runWebGPUProgram(new BatchNormPartialSumsProgram('statistics', plan), [x], 'float32', uniforms);
  const mean = backend.runWebGPUProgram(new BatchNormFinalizeProgram('mean', plan), [partials, x], 'float32', uniforms);
  const variance = backend.runWebGPUProgram(new BatchNormFinalizeProgram('variance', plan), [partials], 'float32', uniforms);
  backend.disposeData(partials.dataId);
  const y = backend.runWebGPUProgram(
    new BatchNormElementwiseProgram('normalise', x.shape, plan, relu),
    [x, mean, variance, gamma, beta],
    'float32',
    uniforms,
  );
  return [y, mean, variance];
}

/** UnetBatchNormTrainingGrad in five dispatches: partial sums, dbeta, dgamma, dx's coefficients, dx. */
function batchNormTrainingGrad(args: {
  inputs: Record<string, TensorInfo | undefined>;
  backend: WebGPUBackend;
  attrs: { epsilon: number };
}): TensorInfo[] {
  const { dy, x, y, gamma, mean, variance } = args.inputs as Record<string, TensorInfo> & { y?: TensorInfo };
  const { backend } = args;
  const relu = y != null;
  const channels = gamma.shape[0];
  const plan = planBatchNorm(channels, util.sizeFromShape(x.shape) / channels);
  const uniforms = batchNormUniforms(plan, args.attrs.epsilon);
  const partials = backend.runWebGPUProgram(
    new BatchNormPartialSumsProgram('gradient', plan, relu),
    relu ? [dy, x, mean, y] : [dy, x, mean],
    'float32',
    uniforms,
  );
  const dbeta = backend.runWebGPUProgram(new BatchNormFinalizeProgram('dbeta', plan), [partials], 'float32', uniforms);
  const dgamma = backend.runWebGPUProgram(new BatchNormFinalizeProgram('dgamma', plan), [partials, variance], 'float32', uniforms);
  const coefficients = backend.runWebGPUProgram(
    new BatchNormFinalizeProgram('coefficients', plan),
    [partials, gamma, mean, variance],
    'float32',
    uniforms,
  );
  backend.disposeData(partials.dataId);
  const dx = backend.runWebGPUProgram(
    new BatchNormElementwiseProgram('inputGradient', x.shape, plan, relu),
    relu ? [dy, x, coefficients, y] : [dy, x, coefficients],
    'float32',
    uniforms,
  );
  backend.disposeData(coefficients.dataId);
  return [dx, dgamma, dbeta];
}

export const batchNormTrainingConfig: KernelConfig = {
  kernelName: batchNormTrainingKernelName,
  backendName: 'webgpu',
  kernelFunc: batchNormTraining as unknown as KernelFunc,
};

export const batchNormTrainingGradConfig: KernelConfig = {
  kernelName: batchNormTrainingGradKernelName,
  backendName: 'webgpu',
  kernelFunc: batchNormTrainingGrad as unknown as KernelFunc,
};
