import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';
import { cpuKernel } from './cpu_fallback.js';

/**
 * SplitV as row copies. The gradient of each skip connection's concat splits the channels (the
 * last axis), where the cpu backend's slice goes element by element through index arithmetic
 * (a quarter of a small-preset train step); here each part is the addon's slice, one contiguous
 * copy per row on every core (a loop in JavaScript took 97 ms of a 1.6 s train step).
 */
export const splitVConfig: tf.KernelConfig = {
  kernelName: tf.SplitV,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { x } = args.inputs as unknown as { x: tf.TensorInfo };
    const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
    if (x.dtype !== 'float32') return cpuKernel(tf.SplitV)(args) as unknown as tf.TensorInfo;
    const splitAxis = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, splitAxis);
    const values = backend.floats(x);
    let start = 0;
    return sizes.map((size) => {
      const shape = [...x.shape];
      shape[splitAxis] = size;
      const begin = x.shape.map((_, axis) => (axis === splitAxis ? start : 0));
      start += size;
      const out = backend.output(tf.util.sizeFromShape(shape));
      if (out.length > 0) backend.addon.slice(values, Int32Array.from([x.shape.length, ...x.shape, ...begin, ...shape]), out);
      return backend.makeTensorInfo(shape, 'float32', out);
    }) as unknown as tf.TensorInfo;
  },
};
