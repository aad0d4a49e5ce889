import * as tf from '@tensorflow/tfjs-core';
import type { BuildContext } from './build_context.js';
import { convolve } from './convolution.js';
import { canFuseConvolutionBiasRelu, convolveBiasRelu } from './fused_convolution.js';

/** A stride-1 square convolution with an optional bias; He-initialised, bias zero. */
export class ConvolutionLayer {
  private readonly kernel: tf.Variable;
  private readonly bias: tf.Variable | undefined;

  constructor(
    context: BuildContext,
    name: string,
    inChannels: number,
    outChannels: number,
    kernelSize: number,
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

  /**
   * relu(convolution + bias). Where the backend can, as one fused op (`convolveBiasRelu`): its
   * gradient keeps one activation alive where the three separate ops keep three. Elsewhere (wasm
   * has no Conv2DBackpropFilter) the portable convolution.
   */
  applyWithRelu(x: tf.Tensor4D): tf.Tensor4D {
    if (this.bias === undefined || !canFuseConvolutionBiasRelu()) return tf.relu(this.apply(x));
    return convolveBiasRelu(x, this.kernel as tf.Tensor4D, this.bias as tf.Tensor1D, this.padding);
  }
}
