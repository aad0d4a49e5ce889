import type { ConvolutionGemmOperands } from './convolution_gemm_program.js';

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
  readA: `
    fn readA(m : i32, k : i32, kEnd : i32) -> f32 {
      if (m >= uniforms.dimM || k >= kEnd) { return 0.0; }
      let ci = m % uniforms.inChannels;
      let filterPixel = m / uniforms.inChannels;
      let kw = filterPixel % uniforms.filterDims.y;
      let kh = filterPixel / uniforms.filterDims.y;
      let ox = k % uniforms.outDims.y;
      let rest = k / uniforms.outDims.y;
      let oy = rest % uniforms.outDims.x;
      let b = rest / uniforms.outDims.x;
      let iy = oy * uniforms.stride.x - uniforms.padding.x + kh * uniforms.dilation.x;
      let ix = ox * uniforms.stride.y - uniforms.padding.y + kw * uniforms.dilation.y;
      if (iy < 0 || iy >= uniforms.inDims.x || ix < 0 || ix >= uniforms.inDims.y) { return 0.0; }
      return x[((b * uniforms.inDims.x + iy) * uniforms.inDims.y + ix) * uniforms.inChannels + ci];
    }`,
  readB: `
    fn readB(k : i32, n : i32, kEnd : i32) -> f32 {
      if (k >= kEnd || n >= uniforms.dimN) { return 0.0; }
      return dy[k * uniforms.dimN + n];
    }`,
  readB4: `
    fn readB4(k : i32, n : i32, kEnd : i32) -> vec4<f32> {
      if (k >= kEnd || n >= uniforms.dimN) { return vec4<f32>(0.0); }
      return dy[(k * uniforms.dimN + n) / 4];
    }`,
};
