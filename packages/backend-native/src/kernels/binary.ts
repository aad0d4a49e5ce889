import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';
import { broadcastParameters } from './broadcast.js';
import { cpuKernel } from './cpu_fallback.js';
import { allFloat32 } from './parameters.js';

// Below this many output elements the cpu kernel's loop costs less than the call into the addon
// (Adam's per-variable scalars and the like).
const nativeFromSize = 4096;

const operations: [string, number][] = [
  [tf.Add, 0],
  [tf.Sub, 1],
  [tf.Multiply, 2],
  [tf.RealDiv, 3],
  [tf.SquaredDifference, 4],
];

/**
 * Add, Sub, Multiply, RealDiv, SquaredDifference of float32 tensors with broadcasting, on every
 * core. Batch norm's forward and backward passes are chains of these over whole activations,
 * where the cpu backend computes a multi-dimensional index per element.
 */
export const binaryConfigs: tf.KernelConfig[] = operations.map(([kernelName, op]) => ({
  kernelName,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { a, b } = args.inputs as unknown as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (!allFloat32(a, b)) return cpuKernel(kernelName)(args);
    const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const size = tf.util.sizeFromShape(outShape);
    if (size < nativeFromSize) return cpuKernel(kernelName)(args);
    const out = backend.output(size);
    backend.addon.binary(op, backend.floats(a), backend.floats(b), broadcastParameters(a.shape, b.shape, outShape), out);
    return backend.makeTensorInfo(outShape, 'float32', out);
  },
}));
