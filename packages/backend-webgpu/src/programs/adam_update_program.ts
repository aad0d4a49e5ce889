import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** Which of Adam's three new tensors a program writes. */
export type AdamResult = 'firstMoment' | 'secondMoment' | 'value';

/** The uniforms of the Adam programs, in this order (see adamUniforms). */
const adamUniformDeclarations = 'learningRate : f32, beta1 : f32, beta2 : f32, epsilon : f32, oneMinusBeta1 : f32, oneMinusBeta2 : f32,';

export function adamUniforms(attrs: {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}): { type: string; data: number[] }[] {
  return [
    { type: 'float32', data: [attrs.learningRate] },
    { type: 'float32', data: [attrs.beta1] },
    { type: 'float32', data: [attrs.beta2] },
    { type: 'float32', data: [attrs.epsilon] },
    // Rounded from float64 as tfjs's scalars are (1 - beta in float32 differs in the last bits).
    { type: 'float32', data: [1 - attrs.beta1] },
    { type: 'float32', data: [1 - attrs.beta2] },
  ];
}

/**
 * One of Adam's new tensors, one invocation per element, in the order of tfjs's ops (so that
 * the float results agree): m' = m beta1 + g (1 - beta1); v' = v beta2 + g^2 (1 - beta2);
 * value' = (m' / (1 - accBeta1)) / (sqrt(v' / (1 - accBeta2)) + epsilon) (-learningRate) +
 * value, which recomputes m' and v' rather than wait for them. Each reads only its inputs
 * (the pipeline's 'auto' layout drops unused bindings): [firstMoment, gradient],
 * [secondMoment, gradient], [value, gradient, firstMoment, secondMoment, accBeta1, accBeta2].
 */
export class AdamUpdateProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  label = 'AdamUpdateProgram';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms = adamUniformDeclarations;
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;
  private readonly result: AdamResult;

  constructor(result: AdamResult, shape: number[]) {
    this.result = result;
    this.outputShape = shape;
    this.variableNames = {
      firstMoment: ['firstMoment', 'gradient'],
      secondMoment: ['secondMoment', 'gradient'],
      value: ['value', 'gradient', 'firstMoment', 'secondMoment', 'accBeta1', 'accBeta2'],
    }[result];
    this.shaderKey = `unetAdamUpdate_${result}`;
    this.dispatchLayout = { x: shape.map((_, index) => index) };
    const size = shape.reduce((product, dimension) => product * dimension, 1);
    this.dispatch = [Math.ceil(size / 64), 1, 1];
  }

  getUserCode(): string {
    const body = {
      firstMoment: 'result[index] = firstMoment[index] * uniforms.beta1 + gradient[index] * uniforms.oneMinusBeta1;',
      secondMoment: 'let g = gradient[index]; result[index] = secondMoment[index] * uniforms.beta2 + (g * g) * uniforms.oneMinusBeta2;',
      value: `
        let g = gradient[index];
        let m = firstMoment[index] * uniforms.beta1 + g * uniforms.oneMinusBeta1;
        let v = secondMoment[index] * uniforms.beta2 + (g * g) * uniforms.oneMinusBeta2;
        let correctedFirst = m / (1.0 - accBeta1[0]);
        let correctedSecond = v / (1.0 - accBeta2[0]);
        result[index] = (correctedFirst / (sqrt(correctedSecond) + uniforms.epsilon)) * -uniforms.learningRate + value[index];`,
    }[this.result];
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${body}
        }
      }
    `;
  }
}
