import * as tf from '@tensorflow/tfjs-core';
import type { BuildContext } from './build_context.js';

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
}
