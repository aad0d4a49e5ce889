import type { ConvolutionGemmOperands } from './convolution_gemm_program.js';
import { patchReads } from './convolution_operand_reads.js';

/**
 * The input gradient dx[M, N] = sum over K of patches(dy)[M, K] x W'[K, N], with M = batch x
 * height x width (dx [batch, height, width, inChannels] is M x N row-major), N = inChannels and
 * K = filterHeight x filterWidth x outChannels; W'[(kh, kw, co), ci] = W[kh, kw, ci, co].
 * Pixel (y, x) takes dy at oy = (y + padTop - kh dilation) / stride where that divides
 * exactly and lies inside dy (and likewise along x). M is long, so there is no split; tfjs-
 * backend-webgpu 4.22 by default (WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE) runs one invocation per
 * element of dx, each looping over K from global memory. With outChannels a multiple of 4,
 * four neighbouring k are four channels of one dy pixel, which readA4 loads at once.
 */
export const inputGradientOperands: ConvolutionGemmOperands = {
  name: 'InputGradient',
  variableNames: ['dy', 'W'],
  aContiguousAlongK: true,
  // The offset in dy of A[m, k], or -1 where the tap falls between strides or outside dy.
  helpers: `
    fn patchOffset(m : i32, k : i32) -> i32 {
      let co = k % uniforms.outChannels;
      let filterPixel = k / uniforms.outChannels;
      let kw = filterPixel % uniforms.filterDims.y;
      let kh = filterPixel / uniforms.filterDims.y;
      let px = m % uniforms.inDims.y;
      let rest = m / uniforms.inDims.y;
      let py = rest % uniforms.inDims.x;
      let b = rest / uniforms.inDims.x;
      let ny = py + uniforms.padding.x - kh * uniforms.dilation.x;
      let nx = px + uniforms.padding.y - kw * uniforms.dilation.y;
      if (ny < 0 || nx < 0 || ny % uniforms.stride.x != 0 || nx % uniforms.stride.y != 0) { return -1; }
      let oy = ny / uniforms.stride.x;
      let ox = nx / uniforms.stride.y;
      if (oy >= uniforms.outDims.x || ox >= uniforms.outDims.y) { return -1; }
      return ((b * uniforms.outDims.x + oy) * uniforms.outDims.y + ox) * uniforms.outChannels + co;
    }`,
  ...patchReads('dy'),
  readB: `
    fn readB(k : i32, n : i32, kEnd : i32) -> f32 {
      if (k >= kEnd || n >= uniforms.dimN) { return 0.0; }
      let co = k % uniforms.outChannels;
      let filterPixel = k / uniforms.outChannels;
      return W[(filterPixel * uniforms.inChannels + n) * uniforms.outChannels + co];
    }`,
};
