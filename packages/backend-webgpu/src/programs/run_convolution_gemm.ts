import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { planSplitK } from '../split_k_plan.js';
import { ConvolutionGemmProgram, type ConvolutionGemmOperands, convolutionGemmUniforms, gemmTile } from './convolution_gemm_program.js';
import { SplitSumProgram } from './split_sum_program.js';

/**
 * Runs a convolution product C[M, N] (resultShape, row-major) on the GPU: one dispatch, or two
 * where K is split to fill the GPU (the product of each split, then their sum).
 */
export function runConvolutionGemm(
  backend: WebGPUBackend,
  operands: ConvolutionGemmOperands,
  inputs: [TensorInfo, TensorInfo],
  convInfo: backend_util.Conv2DInfo,
  resultShape: number[],
  dimensions: { dimM: number; dimN: number; dimK: number },
): TensorInfo {
  const { splits, chunk } = planSplitK(dimensions.dimM, dimensions.dimN, dimensions.dimK, gemmTile);
  const program = new ConvolutionGemmProgram(operands, resultShape, { ...dimensions, chunk }, splits);
  const product = backend.runWebGPUProgram(program, inputs, 'float32', convolutionGemmUniforms(convInfo, { ...dimensions, chunk }));
  if (splits === 1) return product;
  const sum = backend.runWebGPUProgram(new SplitSumProgram(resultShape, splits), [product], 'float32');
  backend.disposeData(product.dataId);
  return sum;
}
