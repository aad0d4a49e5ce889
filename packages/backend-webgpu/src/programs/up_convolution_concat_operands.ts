import type { ConvolutionGemmOperands } from './convolution_gemm_program.js';

/**
 * The U-Net's 2 x 2 stride-2 up-convolution beside its skip connection (the kernel
 * UnetUpConvolutionConcat of @unet/model) as one product: C[M, N] = sum over K of x[M, K] x
 * W'[K, N], M = batch x height x width (the input's pixels), K = inChannels, N = 4 x
 * outChannels ordered (p, q, o), W'[c, (p, q, o)] = kernel[p, q, o, c] (kernel [2, 2,
 * outChannels, inChannels], so B is contiguous along K). With stride equal to the kernel size
 * each output pixel (2i + p, 2j + q) has exactly one tap, so C[m, (p, q, o)] plus bias[o] is
 * its channel skipChannels + o, written in place; the workgroups of the first column of tiles
 * also copy their pixels' skip window into channels [0, skipChannels). No zero tap is read,
 * and the up-convolution, its bias, the crop and the concatenation are one dispatch.
 *
 * The convolution uniforms carry: inDims = the input's (height, width), outDims = the skip's
 * (height, width), padding = (top, left) where its window starts, inChannels, outChannels;
 * skipChannels is extra.
 */
export const upConvolutionConcatOperands: ConvolutionGemmOperands = {
  name: 'UpConvolutionConcat',
  variableNames: ['x', 'W', 'bias', 'skip'],
  extraUniforms: ' skipChannels : i32,',
  aContiguousAlongK: true,
  bContiguousAlongK: true,
  // The offset in the output of channel `channel` of output pixel (2i + p, 2j + q) of input pixel m.
  helpers: `
    fn outputOffset(m : i32, p : i32, q : i32, channel : i32) -> i32 {
      let j = m % uniforms.inDims.y;
      let rest = m / uniforms.inDims.y;
      let i = rest % uniforms.inDims.x;
      let b = rest / uniforms.inDims.x;
      let outY = 2 * i + p;
      let outX = 2 * j + q;
      let channels = uniforms.skipChannels + uniforms.outChannels;
      return ((b * 2 * uniforms.inDims.x + outY) * 2 * uniforms.inDims.y + outX) * channels + channel;
    }

    fn skipOffset(m : i32, p : i32, q : i32, channel : i32) -> i32 {
      let j = m % uniforms.inDims.y;
      let rest = m / uniforms.inDims.y;
      let i = rest % uniforms.inDims.x;
      let b = rest / uniforms.inDims.x;
      let skipY = uniforms.padding.x + 2 * i + p;
      let skipX = uniforms.padding.y + 2 * j + q;
      return ((b * uniforms.outDims.x + skipY) * uniforms.outDims.y + skipX) * uniforms.skipChannels + channel;
    }`,
  readA: `
    fn readA(m : i32, k : i32, kEnd : i32) -> f32 {
      if (m >= uniforms.dimM || k >= kEnd) { return 0.0; }
      return x[m * uniforms.dimK + k];
    }`,
  readA4: `
    fn readA4(m : i32, k : i32, kEnd : i32) -> vec4<f32> {
      if (m >= uniforms.dimM || k >= kEnd) { return vec4<f32>(0.0); }
      return x[(m * uniforms.dimK + k) / 4];
    }`,
  readB: `
    fn readB(k : i32, n : i32, kEnd : i32) -> f32 {
      if (k >= kEnd || n >= uniforms.dimN) { return 0.0; }
      return W[n * uniforms.dimK + k];
    }`,
  storeC: `
    fn storeC(m : i32, n : i32, value : f32) {
      let o = n % uniforms.outChannels;
      let tap = n / uniforms.outChannels;
      result[outputOffset(m, tap / 2, tap % 2, uniforms.skipChannels + o)] = value + bias[o];
    }`,
  // 64 invocations copy the skip channels of the tile's up to 32 x 4 output pixels, neighbouring
  // invocations neighbouring channels.
  afterStore: `
    if (tileColumn == 0 && uniforms.skipChannels > 0) {
      let count = min(32, uniforms.dimM - tileRow) * 4 * uniforms.skipChannels;
      for (var element = local; element < count; element = element + 64) {
        let channel = element % uniforms.skipChannels;
        let pixel = element / uniforms.skipChannels;
        let m = tileRow + pixel / 4;
        let tap = pixel % 4;
        result[outputOffset(m, tap / 2, tap % 2, channel)] = skip[skipOffset(m, tap / 2, tap % 2, channel)];
      }
    }`,
};
