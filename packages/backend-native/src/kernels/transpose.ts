import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';
import { cpuKernel } from './cpu_fallback.js';

/**
 * Transpose of a float32 tensor: the up-convolution's pixel shuffle ([b*h, w, 2, 2c] ->
 * [b*h, 2, w, 2c]) and its kernel's layout change, and their gradients.
 */
export const transposeConfig: tf.KernelConfig = {
  kernelName: tf.Transpose,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { x } = args.inputs as unknown as { x: tf.TensorInfo };
    const { perm } = args.attrs as unknown as tf.TransposeAttrs;
    if (x.dtype !== 'float32' || x.shape.length === 0 || x.shape.length > 8) return cpuKernel(tf.Transpose)(args);
    const outShape = perm.map((axis) => x.shape[axis]);
    const out = backend.output(tf.util.sizeFromShape(outShape));
    backend.addon.transpose(backend.floats(x), Int32Array.from([x.shape.length, ...x.shape, ...perm]), out);
    return backend.makeTensorInfo(outShape, 'float32', out);
  },
};
