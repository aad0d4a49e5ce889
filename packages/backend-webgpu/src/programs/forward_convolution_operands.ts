import type { ConvolutionGemmOperands } from './convolution_gemm_program.js';

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
  // The offset in x of A[m, k], or -1 in the padding.
  helpers: `
    fn patchOffset(m : i32, k : i32) -> i32 {
      let ci = k % uniforms.inChannels;
      let filterPixel = k / uniforms.inChannels;
      let kw = filterPixel % uniforms.filterDims.y;
      let kh = filterPixel / uniforms.filterDims.y;
      let ox = m % uniforms.outDims.y;
      let rest = m / uniforms.outDims.y;
      let oy = rest % uniforms.outDims.x;
      let b = rest / uniforms.outDims.x;
      let iy = oy * uniforms.stride.x - uniforms.padding.x + kh * uniforms.dilation.x;
      let ix = ox * uniforms.stride.y - uniforms.padding.y + kw * uniforms.dilation.y;
      if (iy < 0 || iy >= uniforms.inDims.x || ix < 0 || ix >= uniforms.inDims.y) { return -1; }
      return ((b * uniforms.inDims.x + iy) * uniforms.inDims.y + ix) * uniforms.inChannels + ci;
    }`,
  readA: `
    fn readA(m : i32, k : i32, kEnd : i32) -> f32 {
      if (m >= uniforms.dimM || k >= kEnd) { return 0.0; }
      let offset = patchOffset(m, k);
      if (offset < 0) { return 0.0; }
      return x[offset];
    }`,
  readB: `
    fn readB(k : i32, n : i32, kEnd : i32) -> f32 {
      if (k >= kEnd || n >= uniforms.dimN) { return 0.0; }
      return W[k * uniforms.dimN + n];
    }`,
  readA4: `
    fn readA4(m : i32, k : i32, kEnd : i32) -> vec4<f32> {
      if (m >= uniforms.dimM || k >= kEnd) { return vec4<f32>(0.0); }
      let offset = patchOffset(m, k);
      if (offset < 0) { return vec4<f32>(0.0); }
      return x[offset / 4];
    }`,
  readB4: `
    fn readB4(k : i32, n : i32, kEnd : i32) -> vec4<f32> {
      if (k >= kEnd || n >= uniforms.dimN) { return vec4<f32>(0.0); }
      return W[(k * uniforms.dimN + n) / 4];
    }`,
};
