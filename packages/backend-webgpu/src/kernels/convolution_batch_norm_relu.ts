import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { runForwardConvolution } from '../programs/run_forward_convolution.js';

/**
 * The inference block that @unet/model's DoubleConvolution looks for (its contract is in
 * @unet/model's layers/convolution_batch_norm_kernels.ts): relu(batchNorm(conv2d(x, filter)))
 * with the moving statistics, as the forward convolution's tiled product whose tiles apply the
 * batch norm and the ReLU as they are written: one dispatch (two where K is split), where
 * folding the batch norm into the kernel first takes some six more per layer and pass.
 */
export const convolutionBatchNormReluKernelName = 'UnetConvolutionBatchNormRelu';

function convolutionBatchNormRelu(args: {
  inputs: Record<string, TensorInfo>;
  backend: WebGPUBackend;
  attrs: { pad: 'same' | 'valid'; epsilon: number };
}): TensorInfo {
  const { x, filter, gamma, beta, mean, variance } = args.inputs;
  const convInfo = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    1,
    1,
    args.attrs.pad,
  );
  const result = runForwardConvolution(args.backend, x, filter, undefined, true, convInfo, {
    parameters: [gamma, beta, mean, variance],
    epsilon: args.attrs.epsilon,
  });
  if (result === undefined) {
    throw new Error(
      `@unet/backend-webgpu UnetConvolutionBatchNormRelu: x [${x.shape}] and filter [${filter.shape}] need float32 tensors, one statistic per output channel and at most the device's workgroups per dimension; segment in smaller batches or tiles`,
    );
  }
  return result;
}

export const convolutionBatchNormReluConfig: KernelConfig = {
  kernelName: convolutionBatchNormReluKernelName,
  backendName: 'webgpu',
  kernelFunc: convolutionBatchNormRelu as unknown as KernelFunc,
};
