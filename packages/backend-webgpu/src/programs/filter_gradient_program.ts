import type { backend_util } from '@tensorflow/tfjs-core';
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** The output tile of a workgroup (M rows: filter elements, N columns: output channels) and its K step. */
export const filterGradientTile = { tileM: 32, tileN: 32, tileK: 16 } as const;

/**
 * The convolution's filter gradient as a matrix product, dW[M, N] = sum over K of
 * patches(x)[K, M] x dy[K, N], with M = filterHeight x filterWidth x inChannels (the filter's
 * own layout), N = outChannels and K = batch x outHeight x outWidth. dy [batch, outHeight,
 * outWidth, outChannels] is already K x N row-major; the patches are read from x [batch, height,
 * width, inChannels] as they are needed (zeros in the padding). Each workgroup of 8 x 8
 * invocations computes a 32 x 32 tile of one split of K, 4 x 4 per invocation, from 16 x 32
 * tiles of both operands in workgroup memory; the z dimension of the dispatch is the split, and
 * split `s` writes its partial product to result[s, M, N] (tfjs-backend-webgpu 4.22 instead
 * gives one invocation per filter element, each summing all of K alone).
 */
export class FilterGradientProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey = 'unetFilterGradientGemm';
  dispatchLayout: { x: number[]; y: number[]; z: number[] };
  dispatch: [number, number, number];
  variableNames = ['x', 'dy'];
  uniforms =
    'filterDims : vec2<i32>, padding : vec2<i32>, stride : vec2<i32>, dilation : vec2<i32>, inDims : vec2<i32>, outDims : vec2<i32>, inChannels : i32, dimM : i32, dimN : i32, dimK : i32, chunkK : i32,';
  workgroupSize: [number, number, number] = [8, 8, 1];

  constructor(convInfo: backend_util.Conv2DInfo, splits: number) {
    const dimM = convInfo.filterHeight * convInfo.filterWidth * convInfo.inChannels;
    const dimN = convInfo.outChannels;
    // With one split the partial product is the gradient, already in the filter's layout.
    this.outputShape = splits === 1 ? convInfo.filterShape : [splits, dimM, dimN];
    this.dispatchLayout = splits === 1 ? { x: [3], y: [2], z: [0, 1] } : { x: [2], y: [1], z: [0] };
    this.dispatch = [Math.ceil(dimN / filterGradientTile.tileN), Math.ceil(dimM / filterGradientTile.tileM), splits];
  }

  getUserCode(): string {
    return `
      var<workgroup> tileA : array<array<f32, 32>, 16>;
      var<workgroup> tileB : array<array<f32, 32>, 16>;

      // The patch element of filter row m (kh, kw, ci) at output pixel k (b, oy, ox).
      fn readPatch(m : i32, k : i32, kEnd : i32) -> f32 {
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
      }

      fn readGradient(k : i32, n : i32, kEnd : i32) -> f32 {
        if (k >= kEnd || n >= uniforms.dimN) { return 0.0; }
        return dy[k * uniforms.dimN + n];
      }

      fn main() {
        let tileRow = i32(workgroupId.y) * 32;
        let tileColumn = i32(workgroupId.x) * 32;
        let split = i32(workgroupId.z);
        let kStart = split * uniforms.chunkK;
        let kEnd = min(kStart + uniforms.chunkK, uniforms.dimK);
        let local = i32(localIndex);
        let row = i32(localId.y) * 4;
        let column = i32(localId.x) * 4;
        var sums : array<vec4<f32>, 4>;
        // The trip count comes from uniforms alone: WGSL wants barriers in uniform control flow,
        // and tfjs passes workgroupId through a private variable that the analysis cannot see
        // through. The last split's extra steps read zeros (readPatch and readGradient check kEnd).
        let steps = (uniforms.chunkK + 15) / 16;
        for (var step = 0; step < steps; step = step + 1) {
          let k0 = kStart + step * 16;
          // 64 invocations load 16 x 32 elements of each operand, 8 each; neighbours read
          // neighbouring channels, so the loads coalesce.
          for (var i = 0; i < 8; i = i + 1) {
            let element = local + i * 64;
            let kk = element / 32;
            let mn = element % 32;
            tileA[kk][mn] = readPatch(tileRow + mn, k0 + kk, kEnd);
            tileB[kk][mn] = readGradient(k0 + kk, tileColumn + mn, kEnd);
          }
          workgroupBarrier();
          for (var kk = 0; kk < 16; kk = kk + 1) {
            let b = vec4<f32>(tileB[kk][column], tileB[kk][column + 1], tileB[kk][column + 2], tileB[kk][column + 3]);
            sums[0] = fma(vec4<f32>(tileA[kk][row]), b, sums[0]);
            sums[1] = fma(vec4<f32>(tileA[kk][row + 1]), b, sums[1]);
            sums[2] = fma(vec4<f32>(tileA[kk][row + 2]), b, sums[2]);
            sums[3] = fma(vec4<f32>(tileA[kk][row + 3]), b, sums[3]);
          }
          workgroupBarrier();
        }
        for (var i = 0; i < 4; i = i + 1) {
          let m = tileRow + row + i;
          if (m < uniforms.dimM) {
            for (var j = 0; j < 4; j = j + 1) {
              let n = tileColumn + column + j;
              if (n < uniforms.dimN) {
                result[(split * uniforms.dimM + m) * uniforms.dimN + n] = sums[i][j];
              }
            }
          }
        }
      }
    `;
  }
}
