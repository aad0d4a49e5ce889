import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';
import { cpuKernel } from './cpu_fallback.js';

/**
 * Slice of a float32 tensor as row copies: the paper preset's centre crops of the skip
 * connections, where the cpu backend goes element by element through a TensorBuffer (42 s of a
 * 48 s paper forward pass before this kernel).
 */
export const sliceConfig: tf.KernelConfig = {
  kernelName: tf.Slice,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { x } = args.inputs as unknown as { x: tf.TensorInfo };
    const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
    if (x.dtype !== 'float32' || x.shape.length === 0 || x.shape.length > 8) return cpuKernel(tf.Slice)(args);
    const [begins, sizes] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    const out = backend.output(tf.util.sizeFromShape(sizes));
    backend.addon.slice(backend.floats(x), Int32Array.from([x.shape.length, ...x.shape, ...begins, ...sizes]), out);
    return backend.makeTensorInfo(sizes, 'float32', out);
  },
};
