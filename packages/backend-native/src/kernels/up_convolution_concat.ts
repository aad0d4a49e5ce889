import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';

/**
 * The kernel that @unet/model's UpConvolution.applyBesideSkip looks for (its contract is in
 * @unet/model's layers/up_convolution_kernels.ts; a test checks that the names agree): the 2x2
 * stride-2 up-convolution of x, with its bias, written beside the skip's window in one output,
 * [batch, 2 height, 2 width, skipChannels + outChannels]: one oneDNN matrix product and one
 * pass over the output (native/up_convolution_concat.cc). Its gradient is the next kernel.
 */
export const upConvolutionConcatKernelName = 'UnetUpConvolutionConcat';

// The addon's parameters of both kernels (native/up_convolution_concat.cc), and the length of
// their scratch, the products [pixels, 4 outChannels].
function upConvolutionParameters(
  x: tf.TensorInfo,
  kernel: tf.TensorInfo,
  [skipHeight, skipWidth, skipChannels]: [number, number, number],
  top: number,
  left: number,
): { params: Int32Array; productsLength: number } {
  const [batch, height, width, inChannels] = x.shape as [number, number, number, number];
  const outChannels = kernel.shape[2]!;
  return {
    params: Int32Array.of(batch, height, width, inChannels, outChannels, skipHeight, skipWidth, skipChannels, top, left),
    productsLength: batch * height * width * 4 * outChannels,
  };
}

export const upConvolutionConcatConfig: tf.KernelConfig = {
  kernelName: upConvolutionConcatKernelName,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { x, kernel, bias, skip } = args.inputs as Record<string, tf.TensorInfo>;
    const { top, left } = args.attrs as unknown as { top: number; left: number };
    const [batch, height, width] = x!.shape as [number, number, number, number];
    const outChannels = kernel!.shape[2]!;
    const [, skipHeight, skipWidth, skipChannels] = skip!.shape as [number, number, number, number];
    const outShape = [batch, 2 * height, 2 * width, skipChannels + outChannels];
    const out = backend.output(tf.util.sizeFromShape(outShape));
    const { params, productsLength } = upConvolutionParameters(x!, kernel!, [skipHeight, skipWidth, skipChannels], top, left);
    backend.withScratch(productsLength, (products) =>
      backend.addon.upConvolutionConcat(
        backend.floats(x!),
        backend.floats(kernel!),
        backend.floats(bias!),
        backend.floats(skip!),
        params,
        products,
        out,
      ),
    );
    return backend.makeTensorInfo(outShape, 'float32', out);
  },
};

/** The gradient kernel that UpConvolution.applyBesideSkip runs when a gradient is recorded (same contract file). */
export const upConvolutionConcatGradKernelName = 'UnetUpConvolutionConcatGrad';

/**
 * dx, dkernel, dbias and dskip from dy: one pass splits dy into dskip (zero outside the window)
 * and the up-convolution's products, then two oneDNN matrix products and a column sum
 * (native/up_convolution_concat.cc).
 */
export const upConvolutionConcatGradConfig: tf.KernelConfig = {
  kernelName: upConvolutionConcatGradKernelName,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { dy, x, kernel } = args.inputs as Record<string, tf.TensorInfo>;
    const { top, left, skipHeight, skipWidth } = args.attrs as unknown as {
      top: number;
      left: number;
      skipHeight: number;
      skipWidth: number;
    };
    const batch = x!.shape[0]!;
    const outChannels = kernel!.shape[2]!;
    const skipChannels = dy!.shape[3]! - outChannels;
    const { params, productsLength } = upConvolutionParameters(x!, kernel!, [skipHeight, skipWidth, skipChannels], top, left);
    const skipShape = [batch, skipHeight, skipWidth, skipChannels];
    const dx = backend.output(tf.util.sizeFromShape(x!.shape));
    const dkernel = backend.output(tf.util.sizeFromShape(kernel!.shape));
    const dbias = backend.output(outChannels);
    const dskip = backend.output(tf.util.sizeFromShape(skipShape));
    backend.withScratch(productsLength, (products) =>
      backend.addon.upConvolutionConcatGrad(
        backend.floats(dy!),
        backend.floats(x!),
        backend.floats(kernel!),
        params,
        products,
        dx,
        dkernel,
        dbias,
        dskip,
      ),
    );
    return [
      backend.makeTensorInfo(x!.shape, 'float32', dx),
      backend.makeTensorInfo(kernel!.shape, 'float32', dkernel),
      backend.makeTensorInfo([outChannels], 'float32', dbias),
      backend.makeTensorInfo(skipShape, 'float32', dskip),
    ];
  },
};
