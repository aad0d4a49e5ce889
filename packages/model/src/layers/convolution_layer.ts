import * as tf from '@tensorflow/tfjs-core';
import type { BuildContext } from './build_context.js';
import { convolve } from './convolution.js';

/** A stride-1 square convolution with an optional bias; He-initialised, bias zero. */
export class ConvolutionLayer {
  private readonly kernel: tf.Variable;
  private readonly bias: tf.Variable | undefined;

  constructor(
    context: BuildContext,
    name: string,
    inChannels: number,
    outChannels: number,
    private readonly kernelSize: number,
    private readonly padding: 'valid' | 'same',
    withBias: boolean,
  ) {
    this.kernel = context.heWeight(
      `${name}/kernel`,
      [kernelSize, kernelSize, inChannels, outChannels],
      kernelSize * kernelSize * inChannels,
    );
    this.bias = withBias ? context.constantWeight(`${name}/bias`, tf.zeros([outChannels])) : undefined;
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    const convolved = convolve(x, this.kernel as tf.Tensor4D, this.padding);
    return this.bias === undefined ? convolved : tf.add(convolved, this.bias);
  }
}
