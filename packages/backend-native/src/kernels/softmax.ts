import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';
import { cpuKernel } from './cpu_fallback.js';

/**
 * Softmax over the last axis of a float32 tensor, in one pass a pixel, where the cpu backend's
 * kernel runs Max, Sub, Exp, Sum and RealDiv in turn, its Sub and RealDiv through the
 * broadcasting loop that finds each element's index from its coordinates: on a 1152 x 1152
 * tile of the small preset that was about a third of a forward pass. Each step rounds to
 * float32 where that kernel's intermediate tensor would (x - max, its exp, the sum, the
 * quotient), and exp is the same Math.exp, so the probabilities are the cpu backend's bit for bit.
 */
export const softmaxConfig: tf.KernelConfig = {
  kernelName: tf.Softmax,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { logits } = args.inputs as unknown as { logits: tf.TensorInfo };
    const { dim } = args.attrs as unknown as tf.SoftmaxAttrs;
    const rank = logits.shape.length;
    if (logits.dtype !== 'float32' || rank === 0 || (dim !== -1 && dim !== rank - 1)) return cpuKernel(tf.Softmax)(args);
    const classes = logits.shape[rank - 1]!;
    const size = tf.util.sizeFromShape(logits.shape);
    const x = backend.floats(logits);
    const out = backend.output(size);
    const exponentials = new Float32Array(classes);
    for (let offset = 0; offset < size; offset += classes) {
      let max = x[offset]!;
      for (let index = 0; index < classes; index++) {
        const value = x[offset + index]!;
        // As the cpu backend's Max: a NaN wins (a comparison with NaN is false).
        if (Number.isNaN(value) || value > max) max = value;
      }
      let sum = 0;
      for (let index = 0; index < classes; index++) {
        const exponential = Math.fround(Math.exp(Math.fround(x[offset + index]! - max)));
        exponentials[index] = exponential;
        sum += exponential;
      }
      const roundedSum = Math.fround(sum);
      for (let index = 0; index < classes; index++) out[offset + index] = exponentials[index]! / roundedSum;
    }
    return backend.makeTensorInfo(logits.shape, 'float32', out);
  },
};
