import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';

/**
 * The kernel that @unet/model's UpConvolution.applyBesideSkip looks for (its contract is in
 * @unet/model's layers/up_convolution_kernels.ts; a test checks that the names agree): the 2x2
 * stride-2 up-convolution of x, with its bias, written beside the skip's window in one output,
 * [batch, 2 height, 2 width, skipChannels + outChannels]: one oneDNN matrix product and one
 * pass over the output (native/up_convolution_concat.cc). Forward only; the model runs its ops
 * when a gradient is recorded.
 */
export const upConvolutionConcatKernelName = 'UnetUpConvolutionConcat';

export const upConvolutionConcatConfig: tf.KernelConfig = {
  kernelName: upConvolutionConcatKernelName,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { x, kernel, bias, skip } = args.inputs as Record<string, tf.TensorInfo>;
    const { top, left } = args.attrs as unknown as { top: number; left: number };
    const [batch, height, width, inChannels] = x!.shape as [number, number, number, number];
    const outChannels = kernel!.shape[2]!;
    const [, skipHeight, skipWidth, skipChannels] = skip!.shape as [number, number, number, number];
    const outShape = [batch, 2 * height, 2 * width, skipChannels + outChannels];
    const out = backend.output(tf.util.sizeFromShape(outShape));
    const params = Int32Array.of(batch, height, width, inChannels, outChannels, skipHeight, skipWidth, skipChannels, top, left);
    backend.addon.upConvolutionConcat(
      backend.floats(x!),
      backend.floats(kernel!),
      backend.floats(bias!),
      backend.floats(skip!),
      params,
      out,
    );
    return backend.makeTensorInfo(outShape, 'float32', out);
  },
};
