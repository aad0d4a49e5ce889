import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';
import { cpuKernel } from './cpu_fallback.js';

/**
 * SplitV as row copies. The gradient of each skip connection's concat splits the channels (the
 * last axis), where the cpu backend's slice goes element by element through index arithmetic
 * (a quarter of a small-preset train step); here each row of each part is one plain loop.
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
    const outer = tf.util.sizeFromShape(x.shape.slice(0, splitAxis));
    const inner = tf.util.sizeFromShape(x.shape.slice(splitAxis + 1));
    const rowLength = x.shape[splitAxis] * inner;
    const values = backend.floats(x);
    let start = 0;
    return sizes.map((size) => {
      const partRow = size * inner;
      const out = backend.output(outer * partRow);
      for (let row = 0; row < outer; row++) {
        const from = row * rowLength + start;
        const to = row * partRow;
        for (let index = 0; index < partRow; index++) out[to + index] = values[from + index];
      }
      start += partRow;
      const shape = [...x.shape];
      shape[splitAxis] = size;
      return backend.makeTensorInfo(shape, 'float32', out);
    }) as unknown as tf.TensorInfo;
  },
};
