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

// The products (or their gradient) live only during a call. Held as a tensor, their memory comes
// from the backend's pool and goes back to it when disposed: a fresh 16 MB array at the small
// preset's top level tripled the kernel's time with its page faults (10 -> 30 ms).
function temporary(backend: NativeBackend, length: number): tf.TensorInfo {
  return backend.makeTensorInfo([length], 'float32', backend.output(length));
}

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
    const work = temporary(backend, batch * height * width * 4 * outChannels);
    try {
      backend.addon.upConvolutionConcat(
        backend.floats(x!),
        backend.floats(kernel!),
        backend.floats(bias!),
        backend.floats(skip!),
        params,
        backend.floats(work),
        out,
      );
    } finally {
      backend.disposeData(work.dataId);
    }
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
    const [batch, height, width, inChannels] = x!.shape as [number, number, number, number];
    const outChannels = kernel!.shape[2]!;
    const skipChannels = dy!.shape[3]! - outChannels;
    const params = Int32Array.of(batch, height, width, inChannels, outChannels, skipHeight, skipWidth, skipChannels, top, left);
    const skipShape = [batch, skipHeight, skipWidth, skipChannels];
    const dx = backend.output(tf.util.sizeFromShape(x!.shape));
    const dkernel = backend.output(tf.util.sizeFromShape(kernel!.shape));
    const dbias = backend.output(outChannels);
    const dskip = backend.output(tf.util.sizeFromShape(skipShape));
    const work = temporary(backend, batch * height * width * 4 * outChannels);
    try {
      backend.addon.upConvolutionConcatGrad(
        backend.floats(dy!),
        backend.floats(x!),
        backend.floats(kernel!),
        params,
        backend.floats(work),
        dx,
        dkernel,
        dbias,
        dskip,
      );
    } finally {
      backend.disposeData(work.dataId);
    }
    return [
      backend.makeTensorInfo(x!.shape, 'float32', dx),
      backend.makeTensorInfo(kernel!.shape, 'float32', dkernel),
      backend.makeTensorInfo([outChannels], 'float32', dbias),
      backend.makeTensorInfo(skipShape, 'float32', dskip),
    ];
  },
};
