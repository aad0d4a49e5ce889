import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { type BatchNormPlan, batchNormUniformDeclarations } from './batch_norm_uniforms.js';

/**
 * The elementwise pass of each direction, one invocation per element (of x's shape):
 * - 'normalise' (inputs x, mean, variance, gamma, beta): y = gamma (x - mean) s + beta, then
 *   ReLU if fused, with s = 1 / sqrt(variance + epsilon);
 * - 'inputGradient' (inputs dy, x, the coefficients of BatchNormFinalizeProgram, and y after a
 *   fused ReLU): dx = gamma s (g - S1/N - (x - mean) s^2 S2/N), g = dy (zero where y <= 0).
 */
export class BatchNormElementwiseProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  label: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms = batchNormUniformDeclarations;
  workgroupSize: [number, number, number] = [256, 1, 1];
  size = true;
  private readonly mode: 'normalise' | 'inputGradient';
  private readonly relu: boolean;

  constructor(mode: 'normalise' | 'inputGradient', shape: number[], plan: BatchNormPlan, relu: boolean) {
    this.mode = mode;
    this.relu = relu;
    this.variableNames =
      mode === 'normalise' ? ['x', 'mean', 'variance', 'gamma', 'beta'] : ['dy', 'x', 'coefficients', ...(relu ? ['y'] : [])];
    this.outputShape = shape;
    this.shaderKey = `unetBatchNormElementwise_${mode}_${relu}`;
    this.label = mode === 'normalise' ? 'BatchNormNormaliseProgram' : 'BatchNormInputGradientProgram';
    this.dispatchLayout = { x: shape.map((_, index) => index) };
    this.dispatch = [Math.ceil((plan.channels * plan.rows) / 256), 1, 1];
  }

  getUserCode(): string {
    const body =
      this.mode === 'normalise'
        ? `let s = inverseSqrt(variance[c] + uniforms.epsilon);
           let value = gamma[c] * (x[index] - mean[c]) * s + beta[c];
           result[index] = ${this.relu ? 'max(value, 0.0)' : 'value'};`
        : `var g = dy[index];
           ${this.relu ? 'if (y[index] <= 0.0) { g = 0.0; }' : ''}
           let n = uniforms.channels;
           result[index] = coefficients[c] * (g - coefficients[n + c] - (x[index] - coefficients[2 * n + c]) * coefficients[3 * n + c]);`;
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let c = index % uniforms.channels;
          ${body}
        }
      }
    `;
  }
}
