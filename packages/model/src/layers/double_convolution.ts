import * as tf from '@tensorflow/tfjs-core';
import type { UNetConfig } from '../config.js';
import { BatchNormalization } from './batch_normalization.js';
import type { BuildContext } from './build_context.js';
import { ConvolutionLayer } from './convolution_layer.js';
import { recordingGradients } from './gradient_recording.js';

/**
 * Two 3x3 convolutions, each followed by (batch norm and) ReLU: the unit of every level of the
 * U-Net, on the way down and on the way up (Pytorch-UNet's DoubleConv).
 */
export class DoubleConvolution {
  private readonly convolutions: ConvolutionLayer[] = [];
  private readonly normalizations: (BatchNormalization | undefined)[] = [];

  constructor(context: BuildContext, name: string, inChannels: number, outChannels: number, config: UNetConfig) {
    for (const [index, channelsIn] of [inChannels, outChannels].entries()) {
      const layerName = `${name}/conv${index + 1}`;
      this.convolutions.push(new ConvolutionLayer(context, layerName, channelsIn, outChannels, 3, config.padding, config.convolutionBias));
      this.normalizations.push(
        config.normalization === 'batch' ? new BatchNormalization(context, `${name}/batch_norm${index + 1}`, outChannels) : undefined,
      );
    }
  }

  /**
   * In inference with no gradient recorded, each conv, batch norm, ReLU runs as one convolution
   * with the batch norm folded into it (ConvolutionLayer.applyScaledWithRelu); the result is the
   * same up to float rounding. Training, and inference under a gradient, run the three steps.
   */
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const fold = !training && !recordingGradients();
    let y = x;
    for (const [index, convolution] of this.convolutions.entries()) {
      const normalization = this.normalizations[index];
      if (normalization === undefined) {
        y = convolution.applyWithRelu(y);
      } else if (fold) {
        // One kernel where the backend has it (convolution_batch_norm_kernels.ts), else the fold.
        const viaKernel = convolution.applyBatchNormReluKernel(y, normalization.inferenceParameters());
        if (viaKernel !== undefined) {
          y = viaKernel;
        } else {
          const { scale, shift } = normalization.inferenceScaleShift();
          y = convolution.applyScaledWithRelu(y, scale, shift);
          tf.dispose([scale, shift]);
        }
      } else {
        y = normalization.apply(convolution.apply(y), training, { relu: true });
      }
    }
    return y;
  }
}
