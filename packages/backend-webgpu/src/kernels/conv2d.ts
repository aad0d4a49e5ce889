import { Conv2D, type Conv2DAttrs, type Conv2DInputs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { forwardConvolutionInfo } from './forward_convolution_info.js';
import { runForwardConvolution } from '../programs/run_forward_convolution.js';
import { runReplacedKernel } from '../replaced_kernels.js';

/**
 * y [batch, outHeight, outWidth, outChannels] = conv2d(x [batch, height, width, inChannels],
 * filter [fh, fw, inChannels, outChannels]): one tiled matrix product over taps x input
 * channels, x's patches read in place. The U-Net's convolutions without a bias (those
 * followed by batch norm) and its 1 x 1 output convolution run here. What it does not take
 * (NCHW, other dtypes, grids too large) runs tfjs's kernel.
 */
export function conv2d(args: { inputs: Conv2DInputs; backend: WebGPUBackend; attrs: Conv2DAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
  const convInfo = forwardConvolutionInfo(x, filter, attrs);
  return runForwardConvolution(backend, x, filter, undefined, false, convInfo) ?? runReplacedKernel(Conv2D, args);
}

export const conv2dConfig: KernelConfig = {
  kernelName: Conv2D,
  backendName: 'webgpu',
  kernelFunc: conv2d as unknown as KernelFunc,
};
