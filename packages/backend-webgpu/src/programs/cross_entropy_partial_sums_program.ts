import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { type CrossEntropyPlan, crossEntropyPixelSnippet, crossEntropyUniformDeclarations } from './cross_entropy_uniforms.js';

/**
 * The weighted cross-entropy's two sums over a run of pixels per workgroup: partials
 * [groups, 2] = (sum of pw nll, sum of pw or, for normalization 'pixels', of the counted
 * pixels), each invocation summing every 256th pixel of the run, then a tree in workgroup
 * memory. Inputs logits, labels and, with `weighted`, weights.
 */
export class CrossEntropyPartialSumsProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  label = 'CrossEntropyPartialSumsProgram';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms = crossEntropyUniformDeclarations;
  workgroupSize: [number, number, number] = [256, 1, 1];
  private readonly weighted: boolean;

  constructor(plan: CrossEntropyPlan, weighted: boolean) {
    this.weighted = weighted;
    this.variableNames = weighted ? ['logits', 'labels', 'weights'] : ['logits', 'labels'];
    this.outputShape = [plan.groups, 2];
    this.shaderKey = `unetCrossEntropyPartialSums_${weighted ? 1 : 0}`;
    this.dispatchLayout = { x: [0, 1] };
    this.dispatch = [plan.groups, 1, 1];
  }

  getUserCode(): string {
    return `
      var<workgroup> lossSums : array<f32, 256>;
      var<workgroup> weightSums : array<f32, 256>;
      ${crossEntropyPixelSnippet}

      // tfjs passes the global index to a program whose layout is flat; these use their workgroup's ids.
      fn main(globalIndex : i32) {
        let group = i32(workgroupId.x);
        let local = i32(localId.x);
        let start = group * uniforms.pixelsPerGroup;
        let end = min(start + uniforms.pixelsPerGroup, uniforms.pixels);
        var lossSum = 0.0;
        var weightSum = 0.0;
        for (var pixel = start + local; pixel < end; pixel = pixel + 256) {
          let label = labels[pixel];
          let valid = pixelCounts(label);
          let hotClass = oneHotClass(label, valid);
          let base = pixel * uniforms.classes;
          var negativeLogLikelihood = 0.0;
          if (hotClass >= 0) { negativeLogLikelihood = logSumExp(base) - logits[base + hotClass]; }
          let pixelWeight = valid${this.weighted ? ' * weights[pixel]' : ''};
          lossSum = lossSum + pixelWeight * negativeLogLikelihood;
          weightSum = weightSum + select(valid, pixelWeight, uniforms.byWeights != 0);
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
          result[group * 2] = lossSums[0];
          result[group * 2 + 1] = weightSums[0];
        }
      }
    `;
  }
}
