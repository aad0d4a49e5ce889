import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { type BatchNormPlan, batchNormUniformDeclarations } from './batch_norm_uniforms.js';

/** Which per-channel result of the partial sums [2, splits, channels] a FinalizeProgram makes. */
export type BatchNormResult = 'mean' | 'variance' | 'dbeta' | 'dgamma' | 'coefficients';

/**
 * One per-channel result from the partial sums, one invocation per channel:
 * mean = x[0, c] + S/N (inputs partials, x) and variance = max(0, SS/N - (S/N)^2) (inputs partials);
 * dbeta = S1 (inputs partials) and dgamma = S2 s (inputs partials, variance), s = 1 /
 * sqrt(variance + epsilon); and the input gradient's per-channel coefficients [4, channels]
 * (inputs partials, gamma, mean, variance): gamma s, S1 / N, mean, s^2 S2 / N, so that the
 * dx pass reads 4 buffers, not 8 (WebGPU guarantees 8 storage buffers per shader, output included).
 */
export class BatchNormFinalizeProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  label = 'BatchNormFinalizeProgram';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms = batchNormUniformDeclarations;
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;
  private readonly result: BatchNormResult;

  constructor(result: BatchNormResult, plan: BatchNormPlan) {
    this.result = result;
    // Every input must be read: the pipeline's 'auto' layout drops unused bindings.
    this.variableNames = {
      mean: ['partials', 'x'],
      variance: ['partials'],
      dbeta: ['partials'],
      dgamma: ['partials', 'variance'],
      coefficients: ['partials', 'gamma', 'mean', 'variance'],
    }[result];
    this.outputShape = result === 'coefficients' ? [4, plan.channels] : [plan.channels];
    this.shaderKey = `unetBatchNormFinalize_${result}`;
    this.dispatchLayout = { x: [0] };
    this.dispatch = [Math.ceil(plan.channels / 64), 1, 1];
  }

  getUserCode(): string {
    const value = {
      mean: 'x[c] + first / f32(uniforms.rows)',
      variance: 'max(0.0, second / f32(uniforms.rows) - (first / f32(uniforms.rows)) * (first / f32(uniforms.rows)))',
      dbeta: 'first',
      dgamma: 'second * inverseSqrt(variance[c] + uniforms.epsilon)',
      coefficients: '0.0',
    }[this.result];
    const write =
      this.result === 'coefficients'
        ? `let s = inverseSqrt(variance[c] + uniforms.epsilon);
           let count = f32(uniforms.rows);
           result[c] = gamma[c] * s;
           result[uniforms.channels + c] = first / count;
           result[2 * uniforms.channels + c] = mean[c];
           result[3 * uniforms.channels + c] = s * s * second / count;`
        : `result[c] = ${value};`;
    return `
      fn main(c : i32) {
        if (c < uniforms.channels) {
          var first = 0.0;
          var second = 0.0;
          for (var split = 0; split < uniforms.splits; split = split + 1) {
            first = first + partials[split * uniforms.channels + c];
            second = second + partials[(uniforms.splits + split) * uniforms.channels + c];
          }
          ${write}
        }
      }
    `;
  }
}
