import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { crossEntropyUniformDeclarations } from './cross_entropy_uniforms.js';

/**
 * The loss (sum of pw nll / D) or the denominator D = max(sum of weights, 1e-12) from the
 * partial sums [groups, 2], in one workgroup of 256 invocations; the result has one element
 * (the kernel gives it the scalar shape).
 */
export class CrossEntropyFinalizeProgram implements WebGPUProgram {
  outputShape = [1];
  shaderKey: string;
  label = 'CrossEntropyFinalizeProgram';
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number] = [1, 1, 1];
  variableNames = ['partials'];
  uniforms = crossEntropyUniformDeclarations;
  workgroupSize: [number, number, number] = [256, 1, 1];
  private readonly result: 'loss' | 'denominator';

  constructor(result: 'loss' | 'denominator') {
    this.result = result;
    this.shaderKey = `unetCrossEntropyFinalize_${result}`;
  }

  getUserCode(): string {
    const value = this.result === 'loss' ? 'lossSums[0] / denominator' : 'denominator';
    return `
      var<workgroup> lossSums : array<f32, 256>;
      var<workgroup> weightSums : array<f32, 256>;

      // tfjs passes the global index to a program whose layout is flat; these use their workgroup's ids.
      fn main(globalIndex : i32) {
        let local = i32(localId.x);
        var lossSum = 0.0;
        var weightSum = 0.0;
        for (var group = local; group < uniforms.groups; group = group + 256) {
          lossSum = lossSum + partials[group * 2];
          weightSum = weightSum + partials[group * 2 + 1];
        }
        lossSums[local] = lossSum;
        weightSums[local] = weightSum;
        workgroupBarrier();
        for (var stride = 128; stride > 0; stride = stride / 2) {
          if (local < stride) {
            lossSums[local] = lossSums[local] + lossSums[local + stride];
            weightSums[local] = weightSums[local] + weightSums[local + stride];
          }
          workgroupBarrier();
        }
        if (local == 0) {
          let denominator = max(weightSums[0], 1e-12);
          result[0] = ${value};
        }
      }
    `;
  }
}
