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
  /** The input buffers, as the WGSL snippets name them: A's and B's, then any the snippets read besides. */
  variableNames: [string, string, ...string[]];
  /** Uniforms besides the convolution's (appended to them; the caller passes their values last). */
  extraUniforms?: string;
  /** WGSL functions that the reads share (declared before them), if any. */
  helpers?: string;
  /** WGSL `fn readA(m : i32, k : i32, kEnd : i32) -> f32`, zero outside the operand. */
  readA: string;
  /** WGSL `fn readB(k : i32, n : i32, kEnd : i32) -> f32`, zero outside the operand. */
  readB: string;
  /**
   * WGSL `fn readA4(m : i32, k : i32, kEnd : i32) -> vec4<f32>`: A[m, k .. k + 3] in one load
   * from A's buffer bound as vec4s, for a program built with `vectorA` (k is then a multiple
   * of 4, and so are the run of K and its ends, so the four lie in or out together).
   */
  readA4?: string;
  /** WGSL `fn readB4(k : i32, n : i32, kEnd : i32) -> vec4<f32>`: B[k, n .. n + 3], for `vectorB`. */
  readB4?: string;
  /**
   * Whether neighbouring elements of A in memory lie along K (true: the input gradient's dy,
   * whose channels are K) or along M (false: the filter gradient's patches, whose channels are
   * M); the loads walk that way so that neighbouring invocations read neighbouring addresses.
   */
  aContiguousAlongK: boolean;
  /** Whether neighbouring elements of B lie along K (default: along N); the loads walk that way. */
  bContiguousAlongK?: boolean;
  /**
   * WGSL `fn storeC(m : i32, n : i32, value : f32)`, for a product whose C is not the output
   * tensor row-major (the up-convolution writes its pixels apart, beside its skip's channels):
   * called for each C[m, n] inside M x N, in place of the plain write (no split, no vec4
   * output, no variant bias or ReLU).
   */
  storeC?: string;
  /** WGSL statements every invocation runs after the stores (tileRow, tileColumn and local in scope). */
  afterStore?: string;
}

/**
 * How one product is built: which operands are read as vec4s (where the caller checked that
 * the layout allows it), and what is applied to C before it is written (only for a product
 * that is not split, since the bias and the ReLU apply to the sum of the splits).
 */
export interface GemmVariant {
  /** A read through readA4 (A's buffer bound as vec4s). */
  vectorA: boolean;
  /** B read through readB4. */
  vectorB: boolean;
  /** C (and the bias) written and read as vec4s along N: dimN is a multiple of 4. */
  vectorOutput: boolean;
  /** C[m, n] + bias[n], the bias being a third input of dimN elements. */
  bias: boolean;
  /** max(C, 0), after the bias. */
  relu: boolean;
  /**
   * Inference batch norm before the ReLU: gamma (C - mean) / sqrt(variance + epsilon) + beta,
   * the four being inputs of dimN elements after the bias's place (the uniform `epsilon`).
   */
  batchNorm?: boolean;
}

/** The inputs of the batch norm epilogue, in this order. */
export const batchNormVariableNames = ['gamma', 'beta', 'mean', 'variance'];

/** gamma (value - mean) / sqrt(variance + epsilon) + beta at channel `index`, in the order of tfjs's batchNorm. */
export function batchNormExpression(value: string, index: string): string {
  return `(gamma[${index}] * (${value} - mean[${index}]) * inverseSqrt(variance[${index}] + uniforms.epsilon) + beta[${index}])`;
}

export const plainGemm: GemmVariant = { vectorA: false, vectorB: false, vectorOutput: false, bias: false, relu: false };

/**
 * C[M, N] = sum over K of A[M, K] x B[K, N] for the convolution and its two gradients, with A
 * and B read through index arithmetic (never materialised). Each workgroup of 8 x 8
 * invocations computes a 32 x 32 tile of C, 4 x 4 per invocation, from 16 x 32 tiles of A and
 * B in workgroup memory. The dispatch's z is the split of K: split s sums K in [s chunk, (s +
 * 1) chunk) and writes result[s, M, N], which SplitSumProgram then sums (with one split, the
 * result is C itself, in the output tensor's layout, with the variant's bias and ReLU).
 */
export class ConvolutionGemmProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[]; y: number[]; z: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  variableComponents: number[];
  outputComponent: number;
  uniforms: string;
  /** The name profiles and dispatch counts give it: ConvolutionProgram, FilterGradientProgram, InputGradientProgram. */
  label: string;
  workgroupSize: [number, number, number] = [8, 8, 1];
  private readonly operands: ConvolutionGemmOperands;
  private readonly variant: GemmVariant;

  constructor(operands: ConvolutionGemmOperands, resultShape: number[], dimensions: GemmDimensions, splits: number, variant = plainGemm) {
    if ((variant.vectorA && operands.readA4 === undefined) || (variant.vectorB && operands.readB4 === undefined)) {
      throw new Error(`ConvolutionGemmProgram ${operands.name}: a vec4 read was asked for, but the operands have no readA4 / readB4`);
    }
    if (variant.vectorB && operands.bContiguousAlongK) {
      throw new Error(`ConvolutionGemmProgram ${operands.name}: vec4 loads of B walk along N, but this B is contiguous along K`);
    }
    if (variant.vectorA && !operands.aContiguousAlongK) {
      throw new Error(`ConvolutionGemmProgram ${operands.name}: vec4 loads of A walk along K, but this A is contiguous along M`);
    }
    if (operands.storeC !== undefined && (splits > 1 || variant.vectorOutput || variant.bias || variant.relu || variant.batchNorm)) {
      throw new Error(`ConvolutionGemmProgram ${operands.name}: a product with its own storeC takes no split, vec4 output, bias or ReLU`);
    }
    if (splits > 1 && (variant.bias || variant.relu || variant.batchNorm)) {
      throw new Error(`ConvolutionGemmProgram ${operands.name}: a split product takes its bias and ReLU in SplitSumProgram, not here`);
    }
    this.operands = operands;
    this.variant = variant;
    this.variableNames = variant.bias ? [...operands.variableNames, 'bias'] : [...operands.variableNames];
    this.variableComponents = [variant.vectorA ? 4 : 1, variant.vectorB ? 4 : 1, ...operands.variableNames.slice(2).map(() => 1)];
    if (variant.bias) this.variableComponents.push(variant.vectorOutput ? 4 : 1);
    if (variant.batchNorm) {
      this.variableNames.push(...batchNormVariableNames);
      this.variableComponents.push(...batchNormVariableNames.map(() => (variant.vectorOutput ? 4 : 1)));
    }
    this.uniforms = uniformDeclarations + (operands.extraUniforms ?? '') + (variant.batchNorm ? ' epsilon : f32,' : '');
    this.outputComponent = variant.vectorOutput ? 4 : 1;
    const flags = ['vectorA', 'vectorB', 'vectorOutput', 'bias', 'relu', 'batchNorm'] as const;
    this.shaderKey = `unet${operands.name}_${flags.map((flag) => (variant[flag] ? 1 : 0)).join('')}`;
    this.label = `${operands.name}Program`;
    this.outputShape = splits === 1 ? resultShape : [splits, dimensions.dimM, dimensions.dimN];
    // Only the generated getOutputCoords uses the layout (this program does not call it).
    const rank = this.outputShape.length;
    this.dispatchLayout = { x: [rank - 1], y: [rank - 2], z: this.outputShape.slice(0, rank - 2).map((_, index) => index) };
    this.dispatch = [Math.ceil(dimensions.dimN / gemmTile.tileN), Math.ceil(dimensions.dimM / gemmTile.tileM), splits];
  }

  getUserCode(): string {
    return `
      var<workgroup> tileA : array<array<f32, 32>, 16>;
      var<workgroup> tileB : array<array<f32, 32>, 16>;

      ${this.operands.helpers ?? ''}
      ${this.variant.vectorA ? this.operands.readA4 : this.operands.readA}
      ${this.variant.vectorB ? this.operands.readB4 : this.operands.readB}
      ${this.operands.storeC ?? ''}

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
        // through. The last split's extra steps read zeros (the reads check kEnd).
        let steps = (uniforms.chunkK + 15) / 16;
        for (var step = 0; step < steps; step = step + 1) {
          let k0 = kStart + step * 16;
          ${this.variant.vectorA ? this.loadA4() : this.loadA()}
          ${this.variant.vectorB ? this.loadB4() : this.loadB()}
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
        ${this.operands.storeC !== undefined ? this.storeC() : this.variant.vectorOutput ? this.writeC4() : this.writeC()}
        ${this.operands.afterStore ?? ''}
      }
    `;
  }

  // 64 invocations load the 16 x 32 elements of a tile, 8 each.
  private loadA(): string {
    const indices = this.operands.aContiguousAlongK
      ? 'let kkA = element % 16; let mA = element / 16;'
      : 'let kkA = element / 32; let mA = element % 32;';
    return `
      for (var i = 0; i < 8; i = i + 1) {
        let element = local + i * 64;
        ${indices}
        tileA[kkA][mA] = readA(tileRow + mA, k0 + kkA, kEnd);
      }`;
  }

  private loadB(): string {
    const indices = this.operands.bContiguousAlongK
      ? 'let kkB = element % 16; let nB = element / 16;'
      : 'let kkB = element / 32; let nB = element % 32;';
    return `
      for (var i = 0; i < 8; i = i + 1) {
        let element = local + i * 64;
        ${indices}
        tileB[kkB][nB] = readB(k0 + kkB, tileColumn + nB, kEnd);
      }`;
  }

  // Or 2 vec4s each: four neighbouring invocations read 16 neighbouring floats along K.
  private loadA4(): string {
    return `
      for (var i = 0; i < 2; i = i + 1) {
        let element = local + i * 64;
        let kkA = (element % 4) * 4;
        let mA = element / 4;
        let values = readA4(tileRow + mA, k0 + kkA, kEnd);
        tileA[kkA][mA] = values.x;
        tileA[kkA + 1][mA] = values.y;
        tileA[kkA + 2][mA] = values.z;
        tileA[kkA + 3][mA] = values.w;
      }`;
  }

  private loadB4(): string {
    return `
      for (var i = 0; i < 2; i = i + 1) {
        let element = local + i * 64;
        let kkB = element / 8;
        let nB = (element % 8) * 4;
        let values = readB4(k0 + kkB, tileColumn + nB, kEnd);
        tileB[kkB][nB] = values.x;
        tileB[kkB][nB + 1] = values.y;
        tileB[kkB][nB + 2] = values.z;
        tileB[kkB][nB + 3] = values.w;
      }`;
  }

  private epilogue(value: string, biasIndex: string, zero: string): string {
    let expression = value;
    if (this.variant.bias) expression = `${expression} + bias[${biasIndex}]`;
    if (this.variant.batchNorm) expression = batchNormExpression(expression, biasIndex);
    if (this.variant.relu) expression = `max(${expression}, ${zero})`;
    return expression;
  }

  private storeC(): string {
    return `
      for (var i = 0; i < 4; i = i + 1) {
        let m = tileRow + row + i;
        for (var j = 0; j < 4; j = j + 1) {
          let n = tileColumn + column + j;
          if (m < uniforms.dimM && n < uniforms.dimN) { storeC(m, n, sums[i][j]); }
        }
      }`;
  }

  private writeC(): string {
    return `
      for (var i = 0; i < 4; i = i + 1) {
        let m = tileRow + row + i;
        if (m < uniforms.dimM) {
          for (var j = 0; j < 4; j = j + 1) {
            let n = tileColumn + column + j;
            if (n < uniforms.dimN) {
              result[(split * uniforms.dimM + m) * uniforms.dimN + n] = ${this.epilogue('sums[i][j]', 'n', '0.0')};
            }
          }
        }
      }`;
  }

  // dimN is a multiple of 4, so the 4 columns of an invocation lie in or out together.
  private writeC4(): string {
    return `
      let n = tileColumn + column;
      for (var i = 0; i < 4; i = i + 1) {
        let m = tileRow + row + i;
        if (m < uniforms.dimM && n < uniforms.dimN) {
          result[((split * uniforms.dimM + m) * uniforms.dimN + n) / 4] = ${this.epilogue('sums[i]', 'n / 4', 'vec4<f32>(0.0)')};
        }
      }`;
  }
}
