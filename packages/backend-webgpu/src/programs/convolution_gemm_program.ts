import type { backend_util } from '@tensorflow/tfjs-core';
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** The output tile of a workgroup (32 rows of M, 32 columns of N) and its step along K. */
export const gemmTile = { tileM: 32, tileN: 32, tileK: 16 } as const;

/** The uniforms every convolution product takes, in this order (see convolutionGemmUniforms). */
const uniformDeclarations =
  'filterDims : vec2<i32>, padding : vec2<i32>, stride : vec2<i32>, dilation : vec2<i32>, inDims : vec2<i32>, outDims : vec2<i32>, inChannels : i32, outChannels : i32, dimM : i32, dimN : i32, dimK : i32, chunkK : i32,';

export interface GemmDimensions {
  dimM: number;
  dimN: number;
  dimK: number;
  /** The length of K one split sums (dimK when the product is not split). */
  chunk: number;
}

export function convolutionGemmUniforms(convInfo: backend_util.Conv2DInfo, dimensions: GemmDimensions): { type: string; data: number[] }[] {
  return [
    { type: 'int32', data: [convInfo.filterHeight, convInfo.filterWidth] },
    { type: 'int32', data: [convInfo.padInfo.top, convInfo.padInfo.left] },
    { type: 'int32', data: [convInfo.strideHeight, convInfo.strideWidth] },
    { type: 'int32', data: [convInfo.dilationHeight, convInfo.dilationWidth] },
    { type: 'int32', data: [convInfo.inHeight, convInfo.inWidth] },
    { type: 'int32', data: [convInfo.outHeight, convInfo.outWidth] },
    { type: 'int32', data: [convInfo.inChannels] },
    { type: 'int32', data: [convInfo.outChannels] },
    { type: 'int32', data: [dimensions.dimM] },
    { type: 'int32', data: [dimensions.dimN] },
    { type: 'int32', data: [dimensions.dimK] },
    { type: 'int32', data: [dimensions.chunk] },
  ];
}

export interface ConvolutionGemmOperands {
  /** The program's name in shader keys and profiles. */
  name: string;
  /** The two input buffers, as the WGSL snippets name them. */
  variableNames: [string, string];
  /** WGSL `fn readA(m : i32, k : i32, kEnd : i32) -> f32`, zero outside the operand. */
  readA: string;
  /** WGSL `fn readB(k : i32, n : i32, kEnd : i32) -> f32`, zero outside the operand. */
  readB: string;
  /**
   * Whether neighbouring elements of A in memory lie along K (true: the input gradient's dy,
   * whose channels are K) or along M (false: the filter gradient's patches, whose channels are
   * M); the loads walk that way so that neighbouring invocations read neighbouring addresses.
   */
  aContiguousAlongK: boolean;
}

/**
 * C[M, N] = sum over K of A[M, K] x B[K, N] for the convolution's two gradients, with A and B
 * read through index arithmetic (never materialised). Each workgroup of 8 x 8 invocations
 * computes a 32 x 32 tile of C, 4 x 4 per invocation, from 16 x 32 tiles of A and B in
 * workgroup memory. The dispatch's z is the split of K: split s sums K in [s chunk, (s + 1)
 * chunk) and writes result[s, M, N], which SplitSumProgram then sums (with one split, the
 * result is C itself, in the output tensor's layout).
 */
export class ConvolutionGemmProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[]; y: number[]; z: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms = uniformDeclarations;
  /** The name profiles and dispatch counts give it: FilterGradientProgram, InputGradientProgram. */
  label: string;
  workgroupSize: [number, number, number] = [8, 8, 1];
  private readonly operands: ConvolutionGemmOperands;

  constructor(operands: ConvolutionGemmOperands, resultShape: number[], dimensions: GemmDimensions, splits: number) {
    this.operands = operands;
    this.variableNames = [...operands.variableNames];
    this.shaderKey = `unet${operands.name}`;
    this.label = `${operands.name}Program`;
    this.outputShape = splits === 1 ? resultShape : [splits, dimensions.dimM, dimensions.dimN];
    // Only the generated getOutputCoords uses the layout (this program does not call it).
    const rank = this.outputShape.length;
    this.dispatchLayout = { x: [rank - 1], y: [rank - 2], z: this.outputShape.slice(0, rank - 2).map((_, index) => index) };
    this.dispatch = [Math.ceil(dimensions.dimN / gemmTile.tileN), Math.ceil(dimensions.dimM / gemmTile.tileM), splits];
  }

  getUserCode(): string {
    const loadIndices = this.operands.aContiguousAlongK
      ? 'let kkA = element % 16; let mA = element / 16;'
      : 'let kkA = element / 32; let mA = element % 32;';
    return `
      var<workgroup> tileA : array<array<f32, 32>, 16>;
      var<workgroup> tileB : array<array<f32, 32>, 16>;

      ${this.operands.readA}
      ${this.operands.readB}

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
        // through. The last split's extra steps read zeros (readA and readB check kEnd).
        let steps = (uniforms.chunkK + 15) / 16;
        for (var step = 0; step < steps; step = step + 1) {
          let k0 = kStart + step * 16;
          // 64 invocations load 16 x 32 elements of each operand, 8 each.
          for (var i = 0; i < 8; i = i + 1) {
            let element = local + i * 64;
            ${loadIndices}
            tileA[kkA][mA] = readA(tileRow + mA, k0 + kkA, kEnd);
            let kkB = element / 32;
            let nB = element % 32;
            tileB[kkB][nB] = readB(k0 + kkB, tileColumn + nB, kEnd);
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
