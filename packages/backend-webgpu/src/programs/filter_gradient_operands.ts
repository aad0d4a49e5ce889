import type { ConvolutionGemmOperands } from './convolution_gemm_program.js';
import { inputPatchOffset, rowMajorReads } from './convolution_operand_reads.js';

/**
 * The filter gradient dW[M, N] = sum over K of patches(x)[M, K] x dy[K, N], with M =
 * filterHeight x filterWidth x inChannels (the filter's own layout), N = outChannels and K =
 * batch x outHeight x outWidth. dy [batch, outHeight, outWidth, outChannels] is K x N
 * row-major already; the patches come from x [batch, height, width, inChannels], zero in the
 * padding. K is long (8 x 256 x 256 for the first layer of a small-preset step) and M x N
 * short, so this product is split along K. With outChannels a multiple of 4, readB4 loads
 * four neighbouring channels of dy at once.
 */
export const filterGradientOperands: ConvolutionGemmOperands = {
  name: 'FilterGradient',
  variableNames: ['x', 'dy'],
  aContiguousAlongK: false,
  // A[m, k] is tap m of output pixel k.
  helpers: inputPatchOffset,
  readA: `
    fn readA(m : i32, k : i32, kEnd : i32) -> f32 {
      if (m >= uniforms.dimM || k >= kEnd) { return 0.0; }
      let offset = inputPatchOffset(k, m);
      if (offset < 0) { return 0.0; }
      return x[offset];
    }`,
  ...rowMajorReads('dy'),
};
