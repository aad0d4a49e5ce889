import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/**
 * Sums the partial products of a split-K matrix product: partials [splits, size] -> [size],
 * one invocation per output element (size of them, as many as the result has).
 */
export class SplitSumProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['partials'];
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;
  private readonly splits: number;

  constructor(outputShape: number[], splits: number) {
    this.outputShape = outputShape;
    this.splits = splits;
    this.shaderKey = `unetSplitSum_${splits}`;
    this.dispatchLayout = { x: outputShape.map((_, index) => index) };
    const size = outputShape.reduce((product, dimension) => product * dimension, 1);
    this.dispatch = [Math.ceil(size / this.workgroupSize[0]), 1, 1];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          var sum = 0.0;
          for (var split = 0; split < ${this.splits}; split = split + 1) {
            sum = sum + partials[split * uniforms.size + index];
          }
          result[index] = sum;
        }
      }
    `;
  }
}
