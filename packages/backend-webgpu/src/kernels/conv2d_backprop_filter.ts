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
import { FilterGradientProgram, filterGradientTile } from '../programs/filter_gradient_program.js';
import { SplitSumProgram } from '../programs/split_sum_program.js';
import { planSplitK } from '../split_k_plan.js';

/**
 * dW [filterHeight, filterWidth, inChannels, outChannels] of a convolution, from x [batch,
 * height, width, inChannels] and dy [batch, outHeight, outWidth, outChannels] (NHWC only): a
 * tiled matrix product split along batch x outHeight x outWidth, then one pass that sums the
 * splits (none when the product needs no split).
 */
export function conv2dBackpropFilter(args: { inputs: Conv2DBackpropFilterInputs; backend: WebGPUBackend; attrs: Conv2DBackpropFilterAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const convInfo = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (convInfo.dataFormat !== 'channelsLast') {
    throw new Error(`@unet/backend-webgpu conv2dBackpropFilter: data format ${dataFormat} is not supported; the U-Net is NHWC (use dataFormat 'NHWC')`);
  }
  const dimM = convInfo.filterHeight * convInfo.filterWidth * convInfo.inChannels;
  const dimN = convInfo.outChannels;
  const dimK = convInfo.batchSize * convInfo.outHeight * convInfo.outWidth;
  const { splits, chunk } = planSplitK(dimM, dimN, dimK, filterGradientTile);
  const program = new FilterGradientProgram(convInfo, splits);
  const uniforms = [
    { type: 'int32', data: [convInfo.filterHeight, convInfo.filterWidth] },
    { type: 'int32', data: [convInfo.padInfo.top, convInfo.padInfo.left] },
    { type: 'int32', data: [convInfo.strideHeight, convInfo.strideWidth] },
    { type: 'int32', data: [convInfo.dilationHeight, convInfo.dilationWidth] },
    { type: 'int32', data: [convInfo.inHeight, convInfo.inWidth] },
    { type: 'int32', data: [convInfo.outHeight, convInfo.outWidth] },
    { type: 'int32', data: [convInfo.inChannels] },
    { type: 'int32', data: [dimM] },
    { type: 'int32', data: [dimN] },
    { type: 'int32', data: [dimK] },
    { type: 'int32', data: [chunk] },
  ];
  const product = backend.runWebGPUProgram(program, [x, dy], 'float32', uniforms);
  if (splits === 1) return product;
  const sum = backend.runWebGPUProgram(new SplitSumProgram(convInfo.filterShape, splits), [product], 'float32');
  backend.disposeData(product.dataId);
  return sum;
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'webgpu',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
