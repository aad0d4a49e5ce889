import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';
import { cpuKernel } from './cpu_fallback.js';

/**
 * FusedBatchNorm (tf.batchNorm): offset + (x - mean) * scale / sqrt(variance + epsilon) per
 * channel, the last axis of x; mean, variance, offset and scale hold one value per channel or a
 * single one. Other layouts go to the cpu kernel.
 */
export const batchNormConfig: tf.KernelConfig = {
  kernelName: tf.FusedBatchNorm,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { x, mean, variance, offset, scale } = args.inputs as unknown as Record<string, tf.TensorInfo | undefined> & {
      x: tf.TensorInfo;
      mean: tf.TensorInfo;
      variance: tf.TensorInfo;
    };
    const { varianceEpsilon } = args.attrs as unknown as tf.FusedBatchNormAttrs;
    const channels = x.shape[x.shape.length - 1] ?? 1;
    const parameters = [mean, variance, offset, scale].filter((tensor): tensor is tf.TensorInfo => tensor != null);
    const fits = parameters.every((tensor) => {
      const size = tf.util.sizeFromShape(tensor.shape);
      return tensor.dtype === 'float32' && (size === 1 || (size === channels && tensor.shape[tensor.shape.length - 1] === channels));
    });
    if (x.dtype !== 'float32' || x.shape.length === 0 || !fits) return cpuKernel(tf.FusedBatchNorm)(args);
    const out = backend.output(tf.util.sizeFromShape(x.shape));
    backend.addon.batchNorm(
      backend.floats(x),
      backend.floats(mean),
      backend.floats(variance),
      offset == null ? null : backend.floats(offset),
      scale == null ? null : backend.floats(scale),
      varianceEpsilon ?? 0.001,
      out,
    );
    return backend.makeTensorInfo(x.shape, 'float32', out);
  },
};
