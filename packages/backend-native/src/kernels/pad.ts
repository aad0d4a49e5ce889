import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';
import { cpuKernel } from './cpu_fallback.js';

/**
 * PadV2 (constant padding) of a float32 tensor: the gradient of the paper preset's centre crops,
 * 3.5 s of a train step in the cpu kernel's per-element loop.
 */
export const padConfig: tf.KernelConfig = {
  kernelName: tf.PadV2,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { x } = args.inputs as unknown as { x: tf.TensorInfo };
    const { paddings, constantValue } = args.attrs as unknown as tf.PadV2Attrs;
    if (x.dtype !== 'float32' || x.shape.length === 0 || x.shape.length > 8) return cpuKernel(tf.PadV2)(args);
    const outShape = x.shape.map((size, axis) => paddings[axis][0] + size + paddings[axis][1]);
    const out = backend.output(tf.util.sizeFromShape(outShape));
    const parameters = [x.shape.length, ...x.shape, ...paddings.map((pair) => pair[0]), ...paddings.map((pair) => pair[1])];
    backend.addon.pad(backend.floats(x), Int32Array.from(parameters), constantValue, out);
    return backend.makeTensorInfo(outShape, 'float32', out);
  },
};
