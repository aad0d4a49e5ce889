import type * as tf from '@tensorflow/tfjs-core';
import type { BuildContext } from './build_context.js';
import { ConvolutionLayer } from './convolution_layer.js';

/** The final 1x1 convolution from the first level's channels to one logit per class. */
export class OutputConvolution {
  private readonly convolution: ConvolutionLayer;

  constructor(context: BuildContext, name: string, inChannels: number, classes: number) {
    this.convolution = new ConvolutionLayer(context, name, inChannels, classes, 1, 'valid', true);
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    return this.convolution.apply(x);
  }
}
