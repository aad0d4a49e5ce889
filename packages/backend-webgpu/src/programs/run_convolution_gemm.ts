import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { planSplitK } from '../split_k_plan.js';
import { ConvolutionGemmProgram, type ConvolutionGemmOperands, convolutionGemmUniforms, gemmTile } from './convolution_gemm_program.js';
import { SplitSumProgram } from './split_sum_program.js';

/**
 * Runs a convolution product C[M, N] (resultShape, row-major) on the GPU: one dispatch, or two
 * where K is split to fill the GPU (the product of each split, then their sum). Returns
 * undefined where the grid of tiles exceeds the device's workgroups per dimension (65,535 by
 * default: 2 million output pixels for the input gradient), as tfjs would then fold the grid
 * into other dimensions and the program's workgroupId would no longer name its tile.
 */
export function runConvolutionGemm(
  backend: WebGPUBackend,
  operands: ConvolutionGemmOperands,
  inputs: [TensorInfo, TensorInfo],
  convInfo: backend_util.Conv2DInfo,
  resultShape: number[],
  dimensions: { dimM: number; dimN: number; dimK: number },
): TensorInfo | undefined {
  const { splits, chunk } = planSplitK(dimensions.dimM, dimensions.dimN, dimensions.dimK, gemmTile);
  const program = new ConvolutionGemmProgram(operands, resultShape, { ...dimensions, chunk }, splits);
  if (Math.max(...program.dispatch) > backend.device.limits.maxComputeWorkgroupsPerDimension) return undefined;
  const product = backend.runWebGPUProgram(program, inputs, 'float32', convolutionGemmUniforms(convInfo, { ...dimensions, chunk }));
  if (splits === 1) return product;
  const sum = backend.runWebGPUProgram(new SplitSumProgram(resultShape, splits), [product], 'float32');
  backend.disposeData(product.dataId);
  return sum;
}
