import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type Conv2DBackpropInputInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { inputGradientOperands } from '../programs/input_gradient_operands.js';
import { runConvolutionGemm } from '../programs/run_convolution_gemm.js';
import { runReplacedKernel } from '../replaced_kernels.js';
import { requireChannelsLast } from './require_channels_last.js';

/**
 * dx [batch, height, width, inChannels] of a convolution, from dy [batch, outHeight, outWidth,
 * outChannels] and its filter [filterHeight, filterWidth, inChannels, outChannels] (NHWC only):
 * a tiled matrix product over filter taps x output channels, with vec4 loads of dy and vec4
 * stores of dx where their channels come in fours.
 */
export function conv2dBackpropInput(args: {
  inputs: Conv2DBackpropInputInputs;
  backend: WebGPUBackend;
  attrs: Conv2DBackpropInputAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { inputShape, strides, pad, dataFormat, dimRoundingMode } = attrs;
  requireChannelsLast('Conv2DBackpropInput', dataFormat);
  const convInfo = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const result = runConvolutionGemm(
    backend,
    inputGradientOperands,
    [dy, filter],
    convInfo,
    [...inputShape],
    {
      dimM: convInfo.batchSize * convInfo.inHeight * convInfo.inWidth,
      dimN: convInfo.inChannels,
      dimK: convInfo.filterHeight * convInfo.filterWidth * convInfo.outChannels,
    },
    {
      // vec4 loads of dy where its channels (K) come in fours, vec4 stores of dx where its do.
      vectorA: convInfo.outChannels % 4 === 0,
      vectorB: false,
      vectorOutput: convInfo.inChannels % 4 === 0,
      bias: false,
      relu: false,
    },
  );
  // A grid of tiles too large for one dispatch: tfjs's own kernel.
  return result ?? runReplacedKernel(Conv2DBackpropInput, args);
}

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'webgpu',
  kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
};
