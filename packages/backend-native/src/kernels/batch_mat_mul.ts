import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';
import { cpuKernel } from './cpu_fallback.js';
import { allFloat32 } from './parameters.js';

/**
 * BatchMatMul: a [...batch, m, k] x b [...batch, k, n] -> [...batch, m, n] (either transposed
 * by its flag). The up-convolution and the 1x1 head of the U-Net are such products. The addon
 * broadcasts a batch of 1; other batch broadcasting goes to the cpu kernel.
 */
export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: 'native',
  kernelFunc: (args) => {
    const { inputs, attrs } = args;
    const backend = args.backend as NativeBackend;
    const { a, b } = inputs as unknown as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    const outerA = a.shape.slice(0, -2);
    const outerB = b.shape.slice(0, -2);
    const batchA = tf.util.sizeFromShape(outerA);
    const batchB = tf.util.sizeFromShape(outerB);
    const sameBatch = tf.util.arraysEqual(outerA, outerB);
    if (!allFloat32(a, b) || a.shape.length < 2 || b.shape.length < 2 || !(sameBatch || batchA === 1 || batchB === 1)) {
      return cpuKernel(tf.BatchMatMul)(args);
    }
    const m = transposeA ? a.shape[a.shape.length - 1] : a.shape[a.shape.length - 2];
    const k = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
    const kOfB = transposeB ? b.shape[b.shape.length - 1] : b.shape[b.shape.length - 2];
    const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
    tf.util.assert(
      k === kOfB,
      () => `BatchMatMul: inner dimensions differ, a [${a.shape}] and b [${b.shape}] (transposeA ${transposeA}, transposeB ${transposeB})`,
    );
    const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
    const outShape = [...outer, m, n];
    const out = backend.output(Math.max(batchA, batchB) * m * n);
    const parameters = Int32Array.from([batchA, batchB, m, k, n, transposeA ? 1 : 0, transposeB ? 1 : 0]);
    backend.addon.matMul(backend.floats(a), backend.floats(b), parameters, out);
    return backend.makeTensorInfo(outShape, 'float32', out);
  },
};
