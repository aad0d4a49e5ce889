import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';

/**
 * The kernel that @unet/model's convolveBiasRelu gradient looks for (its contract is in
 * @unet/model's layers/relu_gradient_kernels.ts; a test checks that the names agree).
 */
export const reluGradientKernelName = 'UnetReluGradient';

/**
 * UnetReluGradient: dy * step(y) in one pass (native/relu_gradient.cc), where tfjs's ops make
 * two passes and an activation-sized temporary: on the paper network 18 of them per step, the
 * largest 83 MB.
 */
export const reluGradientConfig: tf.KernelConfig = {
  kernelName: reluGradientKernelName,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { dy, y } = args.inputs as unknown as { dy: tf.TensorInfo; y: tf.TensorInfo };
    if (dy.dtype !== 'float32' || y.dtype !== 'float32' || !tf.util.arraysEqual(dy.shape, y.shape)) {
      throw new TypeError(
        `UnetReluGradient takes float32 dy and y of one shape, got ${dy.dtype} [${dy.shape}] and ${y.dtype} [${y.shape}]`,
      );
    }
    const out = backend.output(tf.util.sizeFromShape(dy.shape));
    backend.addon.reluGradient(backend.floats(dy), backend.floats(y), out);
    return backend.makeTensorInfo(dy.shape, 'float32', out);
  },
};
