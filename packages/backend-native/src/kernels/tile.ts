import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';
import { cpuKernel } from './cpu_fallback.js';

/** Tile of a float32 tensor (batch norm's gradient tiles a per-channel vector to [N, H, W, C]). */
export const tileConfig: tf.KernelConfig = {
  kernelName: tf.Tile,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { x } = args.inputs as unknown as { x: tf.TensorInfo };
    const { reps } = args.attrs as unknown as tf.TileAttrs;
    if (x.dtype !== 'float32' || x.shape.length === 0 || x.shape.length > 8) return cpuKernel(tf.Tile)(args);
    const outShape = x.shape.map((size, axis) => size * reps[axis]);
    const out = backend.output(tf.util.sizeFromShape(outShape));
    backend.addon.tile(backend.floats(x), Int32Array.from([x.shape.length, ...x.shape, ...reps]), out);
    return backend.makeTensorInfo(outShape, 'float32', out);
  },
};
