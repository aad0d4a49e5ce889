import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** Which of the two new moving statistics a program writes. */
export type MovingStatistic = 'mean' | 'variance';

/** The uniforms of MovingStatisticsProgram, in this order (see movingStatisticsUniforms). */
const uniformDeclarations = 'keep : f32, momentum : f32, varianceScale : f32,';

export function movingStatisticsUniforms(attrs: { momentum: number; varianceScale: number }): { type: string; data: number[] }[] {
  return [
    // 1 - momentum rounded from float64, as tfjs's scalar is.
    { type: 'float32', data: [1 - attrs.momentum] },
    { type: 'float32', data: [attrs.momentum] },
    { type: 'float32', data: [attrs.varianceScale] },
  ];
}

/**
 * One new moving statistic per invocation and channel, in the order of the tfjs-core ops it
 * replaces (so that the float results agree): mean' = movingMean keep + mean momentum;
 * variance' = movingVariance keep + (variance varianceScale) momentum, keep = 1 - momentum.
 */
export class MovingStatisticsProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  label = 'MovingStatisticsProgram';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['moving', 'batch'];
  uniforms = uniformDeclarations;
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;
  private readonly statistic: MovingStatistic;

  constructor(statistic: MovingStatistic, channels: number) {
    this.statistic = statistic;
    this.outputShape = [channels];
    this.shaderKey = `unetMovingStatistics_${statistic}`;
    this.dispatchLayout = { x: [0] };
    this.dispatch = [Math.ceil(channels / 64), 1, 1];
  }

  getUserCode(): string {
    const batch = this.statistic === 'mean' ? 'batch[index]' : '(batch[index] * uniforms.varianceScale)';
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          result[index] = moving[index] * uniforms.keep + ${batch} * uniforms.momentum;
        }
      }
    `;
  }
}
