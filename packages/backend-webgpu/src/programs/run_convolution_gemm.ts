import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { planSplitK } from '../split_k_plan.js';
import {
  ConvolutionGemmProgram,
  type ConvolutionGemmOperands,
  convolutionGemmUniforms,
  type GemmVariant,
  gemmTile,
  plainGemm,
} from './convolution_gemm_program.js';
import { SplitSumProgram } from './split_sum_program.js';

/**
 * Runs a convolution product C[M, N] (resultShape, row-major) on the GPU: one dispatch, or two
 * where K is split to fill the GPU (the product of each split, then their sum, which then
 * takes the variant's bias and ReLU). With `variant.bias`, inputs has a third tensor, the
 * bias of N elements. Returns undefined where the grid of tiles exceeds the device's
 * workgroups per dimension (65,535 by default: 2 million output pixels for the forward
 * convolution and the input gradient), as tfjs would then fold the grid into other
 * dimensions and the program's workgroupId would no longer name its tile.
 */
export function runConvolutionGemm(
  backend: WebGPUBackend,
  operands: ConvolutionGemmOperands,
  inputs: TensorInfo[],
  convInfo: backend_util.Conv2DInfo,
  resultShape: number[],
  dimensions: { dimM: number; dimN: number; dimK: number },
  variant: GemmVariant = plainGemm,
  /** With variant.batchNorm: its epsilon. */
  epsilon = 0,
): TensorInfo | undefined {
  const { splits, chunk } = planSplitK(dimensions.dimM, dimensions.dimN, dimensions.dimK, gemmTile);
  // A split product writes plain partial sums; the bias and ReLU go to their sum.
  const productVariant = splits === 1 ? variant : { ...variant, bias: false, relu: false, batchNorm: false };
  const productInputs = splits === 1 ? inputs : inputs.slice(0, 2);
  const program = new ConvolutionGemmProgram(operands, resultShape, { ...dimensions, chunk }, splits, productVariant);
  if (Math.max(...program.dispatch) > backend.device.limits.maxComputeWorkgroupsPerDimension) return undefined;
  const uniforms = convolutionGemmUniforms(convInfo, { ...dimensions, chunk });
  if (productVariant.batchNorm) uniforms.push({ type: 'float32', data: [epsilon] });
  const product = backend.runWebGPUProgram(program, productInputs, 'float32', uniforms);
  if (splits === 1) return product;
  const sum = backend.runWebGPUProgram(
    new SplitSumProgram(resultShape, splits, { bias: variant.bias, relu: variant.relu, batchNorm: variant.batchNorm }),
    [product, ...inputs.slice(2)],
    'float32',
    [
      { type: 'int32', data: [dimensions.dimN] },
      { type: 'float32', data: [epsilon] },
    ],
  );
  backend.disposeData(product.dataId);
  return sum;
}
