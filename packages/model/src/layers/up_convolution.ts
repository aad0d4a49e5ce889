import * as tf from '@tensorflow/tfjs-core';
import { centreCropWindow } from '@unet/core';
import type { BuildContext } from './build_context.js';
import { recordingGradients } from './gradient_recording.js';
import { concatenateWithSkip } from './skip_concatenation.js';
import { UP_CONVOLUTION_CONCAT_GRAD_KERNEL, UP_CONVOLUTION_CONCAT_KERNEL } from './up_convolution_kernels.js';

/**
 * The paper's 2x2 up-convolution: a transposed convolution with a 2x2 kernel and stride 2 that
 * doubles height and width and maps inChannels to outChannels.
 *
 * Its kernel is stored as tfjs's conv2dTranspose expects it, [2, 2, outChannels, inChannels],
 * so the weights mean the same as tf.conv2dTranspose(x, kernel, ..., 2, 'valid'). With stride
 * equal to the kernel size the output pixels do not overlap, and each is one matrix product:
 * y[b, 2i + p, 2j + q, o] = sum over c of x[b, i, j, c] * kernel[p, q, o, c]. It is computed
 * that way, as a matMul and a pixel shuffle, whose gradients every backend has (wasm lacks the
 * kernel-gradient of conv2dTranspose).
 */
export class UpConvolution {
  private readonly kernel: tf.Variable;
  private readonly bias: tf.Variable;

  constructor(
    context: BuildContext,
    name: string,
    private readonly inChannels: number,
    private readonly outChannels: number,
  ) {
    // Each output pixel receives exactly inChannels inputs (one kernel tap per input channel),
    // which is the paper's N.
    this.kernel = context.heWeight(`${name}/kernel`, [2, 2, outChannels, inChannels], inChannels);
    this.bias = context.constantWeight(`${name}/bias`, tf.zeros([outChannels]));
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    const [batch, height, width] = x.shape;
    const rows = tf.reshape(x, [batch * height * width, this.inChannels]);
    // [2, 2, out, in] -> [in, 2, 2, out] -> [in, 4 * out]
    const matrix = tf.reshape(tf.transpose(this.kernel, [3, 0, 1, 2]), [this.inChannels, 4 * this.outChannels]);
    const products = tf.matMul(rows, matrix); // [b*h*w, (p, q, out)]
    // [b*h, w, p, (q, out)] -> [b*h, p, w, (q, out)] = [b, 2h, 2w, out]
    const shuffled = tf.transpose(tf.reshape(products, [batch * height, width, 2, 2 * this.outChannels]), [0, 2, 1, 3]);
    const upsampled = tf.reshape(shuffled, [batch, 2 * height, 2 * width, this.outChannels]);
    return tf.add(upsampled, this.bias);
  }

  /**
   * [skip centre-cropped to the output's size, this up-convolution of x] along channels: what
   * `concatenateWithSkip(skip, this.apply(x))` gives. Where the backend registers
   * UP_CONVOLUTION_CONCAT_KERNEL (and, when a gradient is recorded, its gradient kernel too), one
   * kernel writes the up-convolution straight beside the skip's window, where the ops write the
   * products, their pixel shuffle, the bias sum, the cropped skip and the concatenation as five
   * arrays (and their gradients run a split, a pad, a shuffle, a sum and two products).
   *
   * @param x // [batch, height, width, inChannels]
   * @param skip // [batch, skipHeight, skipWidth, skipChannels], at least 2 height x 2 width
   * @returns // [batch, 2 height, 2 width, skipChannels + outChannels]
   */
  applyBesideSkip(x: tf.Tensor4D, skip: tf.Tensor4D): tf.Tensor4D {
    const recording = recordingGradients();
    if (!hasUpConvolutionConcatKernel() || (recording && !hasUpConvolutionConcatGradKernel())) {
      return tf.tidy(() => concatenateWithSkip(skip, this.apply(x)));
    }
    const [, height, width] = x.shape;
    const { top, left } = centreCropWindow(skip.shape[1], skip.shape[2], 2 * height, 2 * width);
    const forward = (input: tf.Tensor4D, kernel: tf.Tensor, bias: tf.Tensor, skipInput: tf.Tensor4D) =>
      tf.engine().runKernel(UP_CONVOLUTION_CONCAT_KERNEL, { x: input, kernel, bias, skip: skipInput }, {
        top,
        left,
      } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
    if (!recording) return forward(x, this.kernel, this.bias, skip);
    const gradAttrs = { top, left, skipHeight: skip.shape[1], skipWidth: skip.shape[2] } as unknown as tf.NamedAttrMap;
    const op = tf.customGrad((...args) => {
      const [input, kernel, bias, skipInput, save] = args as [tf.Tensor4D, tf.Tensor, tf.Tensor, tf.Tensor4D, tf.GradSaveFunc];
      save([input, kernel]);
      return {
        value: forward(input, kernel, bias, skipInput),
        gradFunc: (dy, saved) => {
          const [savedInput, savedKernel] = saved as [tf.Tensor4D, tf.Tensor];
          return tf
            .engine()
            .runKernel(
              UP_CONVOLUTION_CONCAT_GRAD_KERNEL,
              { dy: dy as tf.Tensor4D, x: savedInput, kernel: savedKernel },
              gradAttrs,
            ) as tf.Tensor[];
        },
      };
    }) as unknown as (input: tf.Tensor4D, kernel: tf.Tensor, bias: tf.Tensor, skipInput: tf.Tensor4D) => tf.Tensor4D;
    return op(x, this.kernel, this.bias, skip);
  }
}

/** Whether the current backend registers UP_CONVOLUTION_CONCAT_KERNEL (up_convolution_kernels.ts). */
export function hasUpConvolutionConcatKernel(): boolean {
  return tf.getKernel(UP_CONVOLUTION_CONCAT_KERNEL, tf.getBackend()) !== undefined;
}

/** Whether the current backend registers UP_CONVOLUTION_CONCAT_GRAD_KERNEL (up_convolution_kernels.ts). */
export function hasUpConvolutionConcatGradKernel(): boolean {
  return tf.getKernel(UP_CONVOLUTION_CONCAT_GRAD_KERNEL, tf.getBackend()) !== undefined;
}
