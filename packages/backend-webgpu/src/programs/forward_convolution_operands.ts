import type { ConvolutionGemmOperands } from './convolution_gemm_program.js';
import { inputPatchOffset, patchReads, rowMajorReads } from './convolution_operand_reads.js';

/**
 * The forward convolution y[M, N] = sum over K of patches(x)[M, K] x W[K, N], with M = batch x
 * outHeight x outWidth (y [batch, outHeight, outWidth, outChannels] is M x N row-major), N =
 * outChannels and K = filterHeight x filterWidth x inChannels (W [fh, fw, inChannels,
 * outChannels] is K x N row-major already). The patches come from x [batch, height, width,
 * inChannels], zero in the padding, read in place. M is long, so there is no split, except
 * for the deepest layers of a small batch, whose K (9 x 1,024 at the paper's bottom) is long.
 * With inChannels a multiple of 4, four neighbouring k are four channels of one pixel, and
 * readA4 loads them at once; with outChannels a multiple of 4, readB4 loads four of W's.
 */
export const forwardConvolutionOperands: ConvolutionGemmOperands = {
  name: 'Convolution',
  variableNames: ['x', 'W'],
  aContiguousAlongK: true,
  // The offset in x of A[m, k], or -1 in the padding: m is the output pixel, k the tap.
  helpers: `${inputPatchOffset}
    fn patchOffset(m : i32, k : i32) -> i32 { return inputPatchOffset(m, k); }`,
  ...patchReads('x'),
  ...rowMajorReads('W'),
};
