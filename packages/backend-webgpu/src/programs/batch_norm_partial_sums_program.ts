import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { type BatchNormPlan, batchNormUniformDeclarations } from './batch_norm_uniforms.js';

/**
 * Two per-channel sums over one split of the rows, written to result[2, splits, channels]:
 * - 'statistics' (inputs x): sum(v) and sum(v^2) of v = x - x[0, c], shifted by the channel's
 *   first value so that the variance sum(v^2)/N - mean(v)^2 does not cancel a large mean away;
 * - 'gradient' (inputs dy, x, mean, and y after a fused ReLU): sum(g) and sum(g (x - mean)),
 *   g = dy, zero where y <= 0.
 * A workgroup of 256 takes `channelLanes` channels side by side (neighbouring addresses) and
 * 256 / channelLanes rows at a time, then sums its rows in workgroup memory.
 */
export class BatchNormPartialSumsProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  label: string;
  dispatchLayout: { x: number[]; y: number[]; z: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms = batchNormUniformDeclarations;
  workgroupSize: [number, number, number];
  private readonly mode: 'statistics' | 'gradient';
  private readonly relu: boolean;

  constructor(mode: 'statistics' | 'gradient', plan: BatchNormPlan, relu = false) {
    this.mode = mode;
    this.relu = relu;
    this.variableNames = mode === 'statistics' ? ['x'] : relu ? ['dy', 'x', 'mean', 'y'] : ['dy', 'x', 'mean'];
    this.outputShape = [2, plan.splits, plan.channels];
    this.workgroupSize = [plan.channelLanes, 256 / plan.channelLanes, 1];
    this.shaderKey = `unetBatchNormPartialSums_${mode}_${relu}_${plan.channelLanes}`;
    this.label = mode === 'statistics' ? 'BatchNormStatisticsProgram' : 'BatchNormGradientSumsProgram';
    this.dispatchLayout = { x: [2], y: [1], z: [0] };
    this.dispatch = [Math.ceil(plan.channels / plan.channelLanes), plan.splits, 1];
  }

  getUserCode(): string {
    const lanes = this.workgroupSize[0];
    const rowLanes = this.workgroupSize[1];
    const accumulate =
      this.mode === 'statistics'
        ? `let v = x[r * uniforms.channels + c] - shift; a = a + v; b = b + v * v;`
        : `let i = r * uniforms.channels + c;
           var g = dy[i];
           ${this.relu ? 'if (y[i] <= 0.0) { g = 0.0; }' : ''}
           a = a + g; b = b + g * (x[i] - centre);`;
    return `
      var<workgroup> sharedA : array<f32, 256>;
      var<workgroup> sharedB : array<f32, 256>;

      fn main() {
        let c = i32(workgroupId.x) * ${lanes} + i32(localId.x);
        let split = i32(workgroupId.y);
        let rowStart = split * uniforms.chunk;
        let rowEnd = min(rowStart + uniforms.chunk, uniforms.rows);
        var a = 0.0;
        var b = 0.0;
        if (c < uniforms.channels) {
          ${this.mode === 'statistics' ? 'let shift = x[c];' : 'let centre = mean[c];'}
          for (var r = rowStart + i32(localId.y); r < rowEnd; r = r + ${rowLanes}) {
            ${accumulate}
          }
        }
        let slot = i32(localIndex);
        sharedA[slot] = a;
        sharedB[slot] = b;
        workgroupBarrier();
        for (var stride = ${rowLanes / 2}; stride > 0; stride = stride / 2) {
          if (i32(localId.y) < stride) {
            sharedA[slot] = sharedA[slot] + sharedA[slot + stride * ${lanes}];
            sharedB[slot] = sharedB[slot] + sharedB[slot + stride * ${lanes}];
          }
          workgroupBarrier();
        }
        if (localId.y == 0u && c < uniforms.channels) {
          result[split * uniforms.channels + c] = sharedA[slot];
          result[(uniforms.splits + split) * uniforms.channels + c] = sharedB[slot];
        }
      }
    `;
  }
}
