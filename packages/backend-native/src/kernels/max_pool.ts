import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';
import { cpuKernel } from './cpu_fallback.js';
import { allFloat32, poolingParameters } from './parameters.js';

/** MaxPool: x [batch, height, width, channels] -> [batch, outHeight, outWidth, channels]. */
export const maxPoolConfig: tf.KernelConfig = {
  kernelName: tf.MaxPool,
  backendName: 'native',
  kernelFunc: (args) => {
    const { inputs, attrs } = args;
    const backend = args.backend as NativeBackend;
    const { x } = inputs as unknown as { x: tf.TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolAttrs;
    if (!allFloat32(x)) return cpuKernel(tf.MaxPool)(args);
    const info = tf.backend_util.computePool2DInfo(
      x.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const out = backend.output(tf.util.sizeFromShape(info.outShape));
    backend.addon.maxPool(backend.floats(x), poolingParameters(info), out);
    return backend.makeTensorInfo(info.outShape, 'float32', out);
  },
};

/** MaxPoolGrad: dy [batch, outHeight, outWidth, channels] to each window's first maximum of x. */
export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'native',
  kernelFunc: (args) => {
    const { inputs, attrs } = args;
    const backend = args.backend as NativeBackend;
    const { dy, input } = inputs as unknown as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
    if (!allFloat32(dy, input)) return cpuKernel(tf.MaxPoolGrad)(args);
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const dx = backend.output(tf.util.sizeFromShape(input.shape));
    backend.addon.maxPoolGrad(backend.floats(dy), backend.floats(input), poolingParameters(info), dx);
    return backend.makeTensorInfo(input.shape, 'float32', dx);
  },
};
