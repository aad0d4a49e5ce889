/**
 * WGSL reads that several convolution products share (see ConvolutionGemmOperands), written
 * once here and given the name of the buffer they read.
 */

/**
 * `fn inputPatchOffset(pixel : i32, tap : i32) -> i32`: the offset in x [batch, height, width,
 * inChannels] of tap `tap` = (kh, kw, ci), numbered as the filter's first three axes, of output
 * pixel `pixel` = (b, oy, ox), numbered as y's first three; -1 in the padding. The forward
 * convolution's A is [pixel, tap], the filter gradient's [tap, pixel].
 */
export const inputPatchOffset = `
    fn inputPatchOffset(pixel : i32, tap : i32) -> i32 {
      let ci = tap % uniforms.inChannels;
      let filterPixel = tap / uniforms.inChannels;
      let kw = filterPixel % uniforms.filterDims.y;
      let kh = filterPixel / uniforms.filterDims.y;
      let ox = pixel % uniforms.outDims.y;
      let rest = pixel / uniforms.outDims.y;
      let oy = rest % uniforms.outDims.x;
      let b = rest / uniforms.outDims.x;
      let iy = oy * uniforms.stride.x - uniforms.padding.x + kh * uniforms.dilation.x;
      let ix = ox * uniforms.stride.y - uniforms.padding.y + kw * uniforms.dilation.y;
      if (iy < 0 || iy >= uniforms.inDims.x || ix < 0 || ix >= uniforms.inDims.y) { return -1; }
      return ((b * uniforms.inDims.x + iy) * uniforms.inDims.y + ix) * uniforms.inChannels + ci;
    }`;

/**
 * readA and readA4 of an A whose element [m, k] lies in `buffer` at `patchOffset(m, k)`, a
 * helper the operands declare (-1: a zero, in the padding or between strides).
 */
export function patchReads(buffer: string): { readA: string; readA4: string } {
  return {
    readA: `
    fn readA(m : i32, k : i32, kEnd : i32) -> f32 {
      if (m >= uniforms.dimM || k >= kEnd) { return 0.0; }
      let offset = patchOffset(m, k);
      if (offset < 0) { return 0.0; }
      return ${buffer}[offset];
    }`,
    readA4: `
    fn readA4(m : i32, k : i32, kEnd : i32) -> vec4<f32> {
      if (m >= uniforms.dimM || k >= kEnd) { return vec4<f32>(0.0); }
      let offset = patchOffset(m, k);
      if (offset < 0) { return vec4<f32>(0.0); }
      return ${buffer}[offset / 4];
    }`,
  };
}

/** readB and readB4 of a B stored in `buffer` K x N row-major (the filter, or dy). */
export function rowMajorReads(buffer: string): { readB: string; readB4: string } {
  return {
    readB: `
    fn readB(k : i32, n : i32, kEnd : i32) -> f32 {
      if (k >= kEnd || n >= uniforms.dimN) { return 0.0; }
      return ${buffer}[k * uniforms.dimN + n];
    }`,
    readB4: `
    fn readB4(k : i32, n : i32, kEnd : i32) -> vec4<f32> {
      if (k >= kEnd || n >= uniforms.dimN) { return vec4<f32>(0.0); }
      return ${buffer}[(k * uniforms.dimN + n) / 4];
    }`,
  };
}
