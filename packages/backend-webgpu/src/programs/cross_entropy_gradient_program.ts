import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { type CrossEntropyPlan, crossEntropyPixelSnippet, crossEntropyUniformDeclarations } from './cross_entropy_uniforms.js';

/**
 * dlogits = dy pw (p sum_c o_c - o) / D, one invocation per pixel writing its classes: p the
 * softmax, o the one-hot (all zeros for a label outside the classes, whose gradient is then
 * 0), pw the pixel's weight (0 where ignored). Inputs dy (scalar), logits, labels, weights
 * (with `weighted`), denominator (scalar).
 */
export class CrossEntropyGradientProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  label = 'CrossEntropyGradientProgram';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms = crossEntropyUniformDeclarations;
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;
  private readonly weighted: boolean;

  constructor(logitsShape: number[], plan: CrossEntropyPlan, weighted: boolean) {
    this.weighted = weighted;
    this.variableNames = weighted ? ['dy', 'logits', 'labels', 'weights', 'denominator'] : ['dy', 'logits', 'labels', 'denominator'];
    this.outputShape = logitsShape;
    this.shaderKey = `unetCrossEntropyGradient_${weighted ? 1 : 0}`;
    this.dispatchLayout = { x: logitsShape.map((_, index) => index) };
    this.dispatch = [Math.ceil(plan.pixels / 64), 1, 1];
  }

  getUserCode(): string {
    return `
      ${crossEntropyPixelSnippet}

      fn main(pixel : i32) {
        if (pixel < uniforms.pixels) {
          let label = labels[pixel];
          let valid = pixelCounts(label);
          let hotClass = oneHotClass(label, valid);
          let base = pixel * uniforms.classes;
          let pixelWeight = valid${this.weighted ? ' * weights[pixel]' : ''};
          let scale = dy[0] * pixelWeight / denominator[0];
          let logSum = logSumExp(base);
          let counted = select(0.0, 1.0, hotClass >= 0);
          for (var c = 0; c < uniforms.classes; c = c + 1) {
            let oneHot = select(0.0, 1.0, c == hotClass);
            result[base + c] = scale * (exp(logits[base + c] - logSum) * counted - oneHot);
          }
        }
      }
    `;
  }
}
