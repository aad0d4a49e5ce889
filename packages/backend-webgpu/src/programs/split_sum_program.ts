import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { batchNormExpression, batchNormVariableNames } from './convolution_gemm_program.js';

/** What is applied to each sum before it is written: a bias per channel (the last dimension), then a ReLU. */
export interface SplitSumEpilogue {
  bias: boolean;
  relu: boolean;
  /** Inference batch norm before the ReLU (inputs gamma, beta, mean, variance after the bias; uniform epsilon). */
  batchNorm?: boolean;
}

/**
 * Sums the partial products of a split-K matrix product: partials [splits, size] -> [size],
 * one invocation per output element (size of them, as many as the result has), with the
 * bias and ReLU that a split product cannot apply itself (they apply to the sum). With a bias,
 * its inputs are [partials, bias] and the uniform `channels` is the bias's length.
 */
export class SplitSumProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms = 'channels : i32, epsilon : f32,';
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;
  private readonly splits: number;
  private readonly epilogue: SplitSumEpilogue;

  constructor(outputShape: number[], splits: number, epilogue: SplitSumEpilogue = { bias: false, relu: false }) {
    this.outputShape = outputShape;
    this.splits = splits;
    this.epilogue = epilogue;
    this.variableNames = epilogue.bias ? ['partials', 'bias'] : ['partials'];
    if (epilogue.batchNorm) this.variableNames.push(...batchNormVariableNames);
    this.shaderKey = `unetSplitSum_${splits}_${epilogue.bias ? 1 : 0}${epilogue.relu ? 1 : 0}${epilogue.batchNorm ? 1 : 0}`;
    this.dispatchLayout = { x: outputShape.map((_, index) => index) };
    const size = outputShape.reduce((product, dimension) => product * dimension, 1);
    this.dispatch = [Math.ceil(size / this.workgroupSize[0]), 1, 1];
  }

  getUserCode(): string {
    const added = this.epilogue.bias ? 'sum + bias[index % uniforms.channels]' : 'sum';
    const biased = this.epilogue.batchNorm ? batchNormExpression(added, 'index % uniforms.channels') : added;
    const value = this.epilogue.relu ? `max(${biased}, 0.0)` : biased;
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          var sum = 0.0;
          for (var split = 0; split < ${this.splits}; split = split + 1) {
            sum = sum + partials[split * uniforms.size + index];
          }
          result[index] = ${value};
        }
      }
    `;
  }
}
