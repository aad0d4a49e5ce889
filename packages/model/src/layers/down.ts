import * as tf from '@tensorflow/tfjs-core';
import type { UNetConfig } from '../config.js';
import type { BuildContext } from './build_context.js';
import { DoubleConvolution } from './double_convolution.js';

/**
 * One step down the contracting path: 2x2 max pooling with stride 2, then a double
 * convolution that doubles the channels (Pytorch-UNet's Down).
 */
export class Down {
  private readonly convolutions: DoubleConvolution;

  constructor(context: BuildContext, name: string, inChannels: number, outChannels: number, config: UNetConfig) {
    this.convolutions = new DoubleConvolution(context, name, inChannels, outChannels, config);
  }

  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return this.convolutions.apply(tf.maxPool(x, 2, 2, 'valid'), training);
  }
}
