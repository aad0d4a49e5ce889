import { type KernelConfig, type KernelFunc, type TensorInfo, util } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { CrossEntropyFinalizeProgram } from '../programs/cross_entropy_finalize_program.js';
import { CrossEntropyGradientProgram } from '../programs/cross_entropy_gradient_program.js';
import { CrossEntropyPartialSumsProgram } from '../programs/cross_entropy_partial_sums_program.js';
import { type CrossEntropyAttributes, crossEntropyUniforms, planCrossEntropy } from '../programs/cross_entropy_uniforms.js';

/**
 * The weighted softmax cross-entropy kernels that @unet/train's weightedCrossEntropy looks for
 * (their contract is in @unet/train's losses/cross_entropy_kernels.ts): the loss in three
 * dispatches (per-workgroup partial sums, the loss, its denominator) and its gradient in one,
 * where tfjs-core's ops take some fifteen each way.
 */
export const weightedCrossEntropyKernelName = 'UnetWeightedCrossEntropy';
export const weightedCrossEntropyGradKernelName = 'UnetWeightedCrossEntropyGrad';

// The finalize programs write one element; the contract's results are scalars.
function asScalar(result: TensorInfo): TensorInfo {
  return { dataId: result.dataId, shape: [], dtype: result.dtype };
}

function planFor(logits: TensorInfo) {
  const classes = logits.shape[logits.shape.length - 1];
  return planCrossEntropy(util.sizeFromShape(logits.shape) / classes, classes);
}

function weightedCrossEntropy(args: {
  inputs: Record<string, TensorInfo | undefined>;
  backend: WebGPUBackend;
  attrs: CrossEntropyAttributes;
}): TensorInfo[] {
  const { logits, labels, weights } = args.inputs as { logits: TensorInfo; labels: TensorInfo; weights?: TensorInfo };
  const { backend } = args;
  const plan = planFor(logits);
  const uniforms = crossEntropyUniforms(plan, args.attrs);
  const weighted = weights != null;
  const partials = backend.runWebGPUProgram(
    new CrossEntropyPartialSumsProgram(plan, weighted),
    weighted ? [logits, labels, weights] : [logits, labels],
    'float32',
    uniforms,
  );
  const loss = backend.runWebGPUProgram(new CrossEntropyFinalizeProgram('loss'), [partials], 'float32', uniforms);
  const denominator = backend.runWebGPUProgram(new CrossEntropyFinalizeProgram('denominator'), [partials], 'float32', uniforms);
  backend.disposeData(partials.dataId);
  return [asScalar(loss), asScalar(denominator)];
}

function weightedCrossEntropyGrad(args: {
  inputs: Record<string, TensorInfo | undefined>;
  backend: WebGPUBackend;
  attrs: CrossEntropyAttributes;
}): TensorInfo[] {
  const { dy, logits, labels, weights, denominator } = args.inputs as Record<string, TensorInfo> & { weights?: TensorInfo };
  const plan = planFor(logits);
  const weighted = weights != null;
  const dlogits = args.backend.runWebGPUProgram(
    new CrossEntropyGradientProgram(logits.shape, plan, weighted),
    weighted ? [dy, logits, labels, weights, denominator] : [dy, logits, labels, denominator],
    'float32',
    crossEntropyUniforms(plan, args.attrs),
  );
  return [dlogits];
}

export const weightedCrossEntropyConfig: KernelConfig = {
  kernelName: weightedCrossEntropyKernelName,
  backendName: 'webgpu',
  kernelFunc: weightedCrossEntropy as unknown as KernelFunc,
};

export const weightedCrossEntropyGradConfig: KernelConfig = {
  kernelName: weightedCrossEntropyGradKernelName,
  backendName: 'webgpu',
  kernelFunc: weightedCrossEntropyGrad as unknown as KernelFunc,
};
