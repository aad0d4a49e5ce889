import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';
import { cpuKernel } from './cpu_fallback.js';

// Below this many elements the cpu kernel's loop costs less than the call into the addon.
const nativeFromSize = 4096;

const operations: [string, number][] = [
  [tf.Relu, 0],
  [tf.Step, 1],
  [tf.Neg, 2],
  [tf.Square, 3],
  [tf.Sqrt, 4],
  [tf.Exp, 5],
  [tf.Rsqrt, 6],
  [tf.Floor, 7],
];

/**
 * Relu, Step (ReLU's gradient is dy * step(x)), Neg, Square, Sqrt, Exp, Rsqrt, Floor (dropout's
 * mask: 43-49 ms of a paper train step in the cpu kernel on the 2-core AMD EPYC VM, 2026-12-07)
 * of float32 tensors on every core: over a small-preset batch each is a 4-million-element pass
 * that the cpu backend runs through a generic per-element callback.
 */
export const unaryConfigs: tf.KernelConfig[] = operations.map(([kernelName, op]) => ({
  kernelName,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { x } = args.inputs as unknown as { x: tf.TensorInfo };
    const size = tf.util.sizeFromShape(x.shape);
    if (x.dtype !== 'float32' || size < nativeFromSize) return cpuKernel(kernelName)(args);
    const alpha = kernelName === tf.Step ? ((args.attrs as unknown as tf.StepAttrs).alpha ?? 0) : 0;
    const out = backend.output(size);
    backend.addon.unary(op, backend.floats(x), alpha, out);
    return backend.makeTensorInfo(x.shape, 'float32', out);
  },
}));
