import * as tf from '@tensorflow/tfjs-core';
import type { BuildContext } from './build_context.js';
import { convolve } from './convolution.js';
import { canFuseConvolutionBiasRelu, convolveBiasRelu } from './fused_convolution.js';
import { CONVOLUTION_BATCH_NORM_RELU_KERNEL } from './convolution_batch_norm_kernels.js';
import { recordingGradients } from './gradient_recording.js';

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
    if (this.bias !== undefined && !recordingGradients()) {
      // With no gradient recorded the bias goes into the convolution (one array written, not two).
      return tf.fused.conv2d({ x, filter: this.kernel as tf.Tensor4D, strides: 1, pad: this.padding, bias: this.bias });
    }
    const convolved = convolve(x, this.kernel as tf.Tensor4D, this.padding);
    return this.bias === undefined ? convolved : tf.add(convolved, this.bias);
  }

  /**
   * relu(convolution + bias). Where the backend can, as one fused op (`convolveBiasRelu`): its
   * gradient keeps one activation alive where the three separate ops keep three. Elsewhere (wasm
   * has no Conv2DBackpropFilter) the portable convolution.
   */
  applyWithRelu(x: tf.Tensor4D): tf.Tensor4D {
    if (this.bias !== undefined && !recordingGradients()) {
      // No gradient: tf.fused.conv2d fuses on every backend (wasm included).
      return tf.fused.conv2d({ x, filter: this.kernel as tf.Tensor4D, strides: 1, pad: this.padding, bias: this.bias, activation: 'relu' });
    }
    if (this.bias === undefined || !canFuseConvolutionBiasRelu()) return tf.relu(this.apply(x));
    return convolveBiasRelu(x, this.kernel as tf.Tensor4D, this.bias as tf.Tensor1D, this.padding);
  }

  /**
   * relu((convolution + bias) * scale + shift), scale and shift per output channel, as one
   * tf.fused.conv2d whose kernel is the kernel times scale and whose bias is bias * scale +
   * shift: inference-mode batch norm (BatchNormalization.inferenceScaleShift) and ReLU folded
   * into the convolution, so that the block writes one activation instead of three. tfjs gives
   * fused ops no gradient of their own (it runs them unfused under the tape), so callers use
   * this only when no gradient is recorded. The folded kernel is made afresh on each call (one
   * pass over the weights, against one per output pixel in the convolution) rather than kept
   * beside the weights, which would double their memory.
   */
  applyScaledWithRelu(x: tf.Tensor4D, scale: tf.Tensor1D, shift: tf.Tensor1D): tf.Tensor4D {
    return tf.tidy(() => {
      const kernel = tf.mul(this.kernel, scale) as tf.Tensor4D; // scale broadcasts over outChannels, the last axis
      const bias = this.bias === undefined ? shift : tf.add(tf.mul(this.bias, scale), shift);
      return tf.fused.conv2d({ x, filter: kernel, strides: 1, pad: this.padding, bias, activation: 'relu' });
    });
  }

  /**
   * relu(batchNorm(convolution)) with the given inference parameters as the backend's
   * CONVOLUTION_BATCH_NORM_RELU_KERNEL (convolution_batch_norm_kernels.ts), where it has one and
   * this layer has no bias; undefined elsewhere (the caller folds). No gradient: inference only.
   */
  applyBatchNormReluKernel(
    x: tf.Tensor4D,
    parameters: { gamma: tf.Tensor1D; beta: tf.Tensor1D; mean: tf.Tensor1D; variance: tf.Tensor1D; epsilon: number },
  ): tf.Tensor4D | undefined {
    if (this.bias !== undefined || tf.getKernel(CONVOLUTION_BATCH_NORM_RELU_KERNEL, tf.getBackend()) === undefined) return undefined;
    const { gamma, beta, mean, variance, epsilon } = parameters;
    return tf.engine().runKernel(CONVOLUTION_BATCH_NORM_RELU_KERNEL, { x, filter: this.kernel, gamma, beta, mean, variance }, {
      pad: this.padding,
      epsilon,
    } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  }
}
