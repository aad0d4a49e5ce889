import type * as tf from '@tensorflow/tfjs-core';
import type { UNetConfig } from '../config.js';
import { BilinearUpSampling } from './bilinear_up_sampling.js';
import type { BuildContext } from './build_context.js';
import { DoubleConvolution } from './double_convolution.js';
import { concatenateWithSkip } from './skip_concatenation.js';
import { UpConvolution } from './up_convolution.js';

/**
 * One step up the expanding path (Pytorch-UNet's Up): double the resolution and halve the
 * channels, concatenate with the feature map of the same level from the contracting path,
 * centre-cropped to the same size (it is larger when the convolutions are unpadded), then a
 * double convolution. The skip comes first in the concatenation, as in the PyTorch reference.
 */
export class Up {
  private readonly upSampling: UpConvolution | BilinearUpSampling;
  private readonly convolutions: DoubleConvolution;

  constructor(context: BuildContext, name: string, inChannels: number, outChannels: number, config: UNetConfig) {
    this.upSampling =
      config.upSampling === 'transposed'
        ? new UpConvolution(context, `${name}/up_convolution`, inChannels, outChannels)
        : new BilinearUpSampling(context, `${name}/up_projection`, inChannels, outChannels);
    this.convolutions = new DoubleConvolution(context, name, 2 * outChannels, outChannels, config);
  }

  apply(x: tf.Tensor4D, skip: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const concatenated =
      this.upSampling instanceof UpConvolution
        ? this.upSampling.applyBesideSkip(x, skip)
        : concatenateWithSkip(skip, this.upSampling.apply(x));
    return this.convolutions.apply(concatenated, training);
  }
}
