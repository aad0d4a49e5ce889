import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { filterGradientOperands } from '../programs/filter_gradient_operands.js';
import { runConvolutionGemm } from '../programs/run_convolution_gemm.js';
import { runReplacedKernel } from '../replaced_kernels.js';
import { requireChannelsLast } from './require_channels_last.js';

/**
 * dW [filterHeight, filterWidth, inChannels, outChannels] of a convolution, from x [batch,
 * height, width, inChannels] and dy [batch, outHeight, outWidth, outChannels] (NHWC only): a
 * tiled matrix product split along batch x outHeight x outWidth, then one pass that sums the
 * splits (none when the product needs no split).
 */
export function conv2dBackpropFilter(args: {
  inputs: Conv2DBackpropFilterInputs;
  backend: WebGPUBackend;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  requireChannelsLast('Conv2DBackpropFilter', dataFormat);
  const convInfo = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const result = runConvolutionGemm(
    backend,
    filterGradientOperands,
    [x, dy],
    convInfo,
    convInfo.filterShape,
    {
      dimM: convInfo.filterHeight * convInfo.filterWidth * convInfo.inChannels,
      dimN: convInfo.outChannels,
      dimK: convInfo.batchSize * convInfo.outHeight * convInfo.outWidth,
    },
    {
      // vec4 loads of dy and stores of dW along the output channels (N) where they come in fours.
      vectorA: false,
      vectorB: convInfo.outChannels % 4 === 0,
      vectorOutput: convInfo.outChannels % 4 === 0,
      bias: false,
      relu: false,
    },
  );
  // A grid of tiles too large for one dispatch: tfjs's own kernel.
  return result ?? runReplacedKernel(Conv2DBackpropFilter, args);
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'webgpu',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
