import * as tf from '@tensorflow/tfjs-core';

/**
 * A stride-1 convolution of an odd square kernel, 'valid' or 'same', whose gradients work on
 * every backend.
 *
 * tfjs's own conv2d gradient needs the Conv2DBackpropFilter kernel, which the wasm backend
 * lacks. Where a backend has it, tf.conv2d is used as is. Elsewhere both gradients are written
 * as forward convolutions (which every backend has, and which wasm runs through XNNPACK):
 * - input gradient: the "full" convolution of dy with the kernel flipped in space and with its
 *   in/out channels swapped;
 * - kernel gradient: a convolution whose batch is the input channels and whose kernel is dy,
 *   i.e. dW[kh, kw, ci, co] = sum over b, y, x of x[b, y + kh, x + kw, ci] * dy[b, y, x, co].
 */
export function convolve(
  x: tf.Tensor4D, // [batch, height, width, inChannels]
  kernel: tf.Tensor4D, // [kernelSize, kernelSize, inChannels, outChannels]
  padding: 'valid' | 'same',
): tf.Tensor4D {
  if (tf.getKernel('Conv2DBackpropFilter', tf.getBackend()) !== undefined) {
    return tf.conv2d(x, kernel, 1, padding);
  }
  return portableConvolution(padding)(x, kernel) as tf.Tensor4D;
}

type ConvolutionFunction = (x: tf.Tensor, kernel: tf.Tensor) => tf.Tensor;
const portableConvolutions = new Map<string, ConvolutionFunction>();

function portableConvolution(padding: 'valid' | 'same'): ConvolutionFunction {
  let convolution = portableConvolutions.get(padding);
  if (convolution === undefined) {
    convolution = tf.customGrad((...args) => {
      const [input, weights, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
      save([input, weights]);
      return {
        value: tf.conv2d(input, weights, 1, padding),
        // tfjs does not run a custom gradient inside a tidy scope; without one, every
        // temporary of the backward pass would stay allocated.
        gradFunc: (dy, saved) =>
          tf.tidy(() => {
            const [savedInput, savedKernel] = saved as [tf.Tensor4D, tf.Tensor4D];
            const upstream = dy as tf.Tensor4D;
            return [inputGradient(upstream, savedKernel, padding), kernelGradient(savedInput, upstream, savedKernel.shape[0], padding)];
          }),
      };
    }) as ConvolutionFunction;
    portableConvolutions.set(padding, convolution);
  }
  return convolution;
}

function forwardPad(kernelSize: number, padding: 'valid' | 'same'): number {
  return padding === 'valid' ? 0 : (kernelSize - 1) / 2;
}

function inputGradient(dy: tf.Tensor4D, kernel: tf.Tensor4D, padding: 'valid' | 'same'): tf.Tensor4D {
  const kernelSize = kernel.shape[0];
  const pad = kernelSize - 1 - forwardPad(kernelSize, padding);
  const flipped = tf.transpose(tf.reverse(kernel, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  return tf.conv2d(dy, flipped, 1, [
    [0, 0],
    [pad, pad],
    [pad, pad],
    [0, 0],
  ]);
}

function kernelGradient(x: tf.Tensor4D, dy: tf.Tensor4D, kernelSize: number, padding: 'valid' | 'same'): tf.Tensor4D {
  const pad = forwardPad(kernelSize, padding);
  const padded =
    pad === 0
      ? x
      : tf.pad(x, [
          [0, 0],
          [pad, pad],
          [pad, pad],
          [0, 0],
        ]);
  const channelsAsBatch = tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D; // [in, h, w, batch]
  const dyAsKernel = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [h', w', batch, out]
  const gradient = tf.conv2d(channelsAsBatch, dyAsKernel, 1, 'valid'); // [in, k, k, out]
  return tf.transpose(gradient, [1, 2, 0, 3]);
}
