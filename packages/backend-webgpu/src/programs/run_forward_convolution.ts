import { type backend_util, type TensorInfo, util } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { forwardConvolutionOperands } from './forward_convolution_operands.js';
import { runConvolutionGemm } from './run_convolution_gemm.js';

/**
 * relu?(conv2d(x, filter) + bias?) as one tiled matrix product over taps x input channels,
 * with the bias and the ReLU applied as the tile is written; vec4 loads of x where
 * inChannels is a multiple of 4, of the filter and the output where outChannels is.
 * Returns undefined for what it does not take, which the caller hands to tfjs's kernel: a
 * layout other than NHWC, a dtype other than float32, a bias that is not one value per
 * output channel, a grid of tiles too large for one dispatch.
 */
export function runForwardConvolution(
  backend: WebGPUBackend,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | undefined,
  relu: boolean,
  convInfo: backend_util.Conv2DInfo,
  /** Inference batch norm before the ReLU: [gamma, beta, mean, variance] of outChannels each, and epsilon. */
  batchNorm?: { parameters: TensorInfo[]; epsilon: number },
): TensorInfo | undefined {
  if (convInfo.dataFormat !== 'channelsLast' || x.dtype !== 'float32' || filter.dtype !== 'float32') return undefined;
  if (bias !== undefined && (bias.dtype !== 'float32' || !isPerChannel(bias.shape, convInfo.outChannels))) return undefined;
  if (batchNorm?.parameters.some((tensor) => tensor.dtype !== 'float32' || !isPerChannel(tensor.shape, convInfo.outChannels))) {
    return undefined;
  }
  const vectorOutput = convInfo.outChannels % 4 === 0;
  return runConvolutionGemm(
    backend,
    forwardConvolutionOperands,
    [x, filter, ...(bias === undefined ? [] : [bias]), ...(batchNorm?.parameters ?? [])],
    convInfo,
    [...convInfo.outShape],
    {
      dimM: convInfo.batchSize * convInfo.outHeight * convInfo.outWidth,
      dimN: convInfo.outChannels,
      dimK: convInfo.filterHeight * convInfo.filterWidth * convInfo.inChannels,
    },
    {
      vectorA: convInfo.inChannels % 4 === 0,
      vectorB: vectorOutput,
      vectorOutput,
      bias: bias !== undefined,
      relu,
      batchNorm: batchNorm !== undefined,
    },
    batchNorm?.epsilon,
  );
}

// [channels], or [1, ..., 1, channels]: one value per output channel, which is what the
// product's epilogue adds (tfjs broadcasts other shapes too; those go to its kernel).
function isPerChannel(shape: number[], channels: number): boolean {
  return util.sizeFromShape(shape) === channels && (shape.length === 0 ? channels === 1 : shape[shape.length - 1] === channels);
}
