import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';
import { cpuKernel } from './cpu_fallback.js';

/**
 * Concat of float32 tensors: each skip connection joins [N, H, W, C1] and [N, H, W, C2] along
 * the channels; viewed as [N*H*W, C_i] parts, each output row is a few contiguous copies.
 */
export const concatConfig: tf.KernelConfig = {
  kernelName: tf.Concat,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const tensors = args.inputs as unknown as tf.TensorInfo[];
    const { axis } = args.attrs as unknown as tf.ConcatAttrs;
    if (tensors.length === 0 || tensors.some((tensor) => tensor.dtype !== 'float32' || tensor.shape.length === 0)) {
      return cpuKernel(tf.Concat)(args);
    }
    const concatAxis = tf.util.parseAxisParam(axis, tensors[0].shape)[0];
    const outShape = tf.backend_util.computeOutShape(
      tensors.map((tensor) => tensor.shape),
      concatAxis,
    );
    const outer = tf.util.sizeFromShape(outShape.slice(0, concatAxis));
    const parts = tensors.filter((tensor) => tf.util.sizeFromShape(tensor.shape) > 0);
    const inners = parts.map((tensor) => tf.util.sizeFromShape(tensor.shape.slice(concatAxis)));
    const out = backend.output(tf.util.sizeFromShape(outShape));
    backend.addon.concatRows(
      parts.map((tensor) => backend.floats(tensor)),
      Int32Array.from([outer, ...inners]),
      out,
    );
    return backend.makeTensorInfo(outShape, 'float32', out);
  },
};
