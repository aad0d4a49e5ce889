import type * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from './addon_status.js';

/**
 * tfjs's cpu backend with its heavy kernels replaced by oneDNN ones. Tensors stay where the cpu
 * backend keeps them, in JavaScript typed arrays, which the addon reads and writes in place; so
 * every cpu kernel still works on this backend unchanged, and only the overridden ones
 * (see register.ts) run natively.
 */
export class NativeBackend extends MathBackendCPU {
  constructor(readonly addon: NativeAddon) {
    super();
    // The cpu backend's first write prints advice to install tfjs-node; this backend is the
    // native one that advice is about.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  /** The float32 values of `tensor` as the Float32Array the addon needs. */
  floats(tensor: tf.TensorInfo): Float32Array {
    const values = this.data.get(tensor.dataId).values;
    return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
  }
}
