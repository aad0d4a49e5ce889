import {
  FusedConv2D,
  type FusedConv2DAttrs,
  type FusedConv2DInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { forwardConvolutionInfo } from './forward_convolution_info.js';
import { runForwardConvolution } from '../programs/run_forward_convolution.js';
import { runReplacedKernel } from '../replaced_kernels.js';

/**
 * relu?(conv2d(x, filter) + bias?), the kernel @unet/model's convolveBiasRelu runs (and
 * tf.fused.conv2d without gradients): one tiled matrix product whose tiles take the bias and
 * the ReLU as they are written. Activations other than linear and relu, PReLU weights, and
 * what the plain Conv2D hands on run tfjs's kernel.
 */
export function fusedConv2d(args: { inputs: FusedConv2DInputs; backend: WebGPUBackend; attrs: FusedConv2DAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, filter, bias, preluActivationWeights } = inputs as {
    x: TensorInfo;
    filter: TensorInfo;
    bias?: TensorInfo | null;
    preluActivationWeights?: TensorInfo | null;
  };
  const { activation } = attrs;
  const relu = activation === 'relu';
  if ((!relu && activation !== 'linear' && activation !== undefined) || preluActivationWeights != null) {
    return runReplacedKernel(FusedConv2D, args);
  }
  const convInfo = forwardConvolutionInfo(x, filter, attrs);
  return runForwardConvolution(backend, x, filter, bias ?? undefined, relu, convInfo) ?? runReplacedKernel(FusedConv2D, args);
}

export const fusedConv2dConfig: KernelConfig = {
  kernelName: FusedConv2D,
  backendName: 'webgpu',
  kernelFunc: fusedConv2d as unknown as KernelFunc,
};
