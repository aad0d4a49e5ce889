import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';

/** The name of @unet/train's Adam kernel contract (optim/adam_kernels.ts; the test checks they agree). */
export const adamUpdateKernelName = 'UnetAdamUpdate';

interface AdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/**
 * UnetAdamUpdate: Adam's update of one variable in one pass (native/adam_update.cc), where
 * tfjs's AdamOptimizer runs about 14 elementwise kernels per variable, each a pass over the
 * variable with its own output (the paper preset's 31 million weights: 124 MB a pass).
 * The scalars are rounded to float32 as tfjs's scalar tensors hold them, so that each
 * operation rounds as tfjs's do.
 *
 * Where the variable and its moments hold their memory alone (`mayOverwrite`: the optimiser's
 * own state, as after its first step), the update is written over them and the outputs are
 * their data ids: otherwise three variable-sized buffers a variable, 355 MiB a paper step, went
 * through the pool and pushed out activations that the next pass then faulted in afresh.
 */
export const adamUpdateConfig: tf.KernelConfig = {
  kernelName: adamUpdateKernelName,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { value, gradient, firstMoment, secondMoment, accBeta1, accBeta2 } = args.inputs as unknown as Record<string, tf.TensorInfo>;
    const { learningRate, beta1, beta2, epsilon } = args.attrs as unknown as AdamUpdateAttrs;
    const size = tf.util.sizeFromShape(value.shape);
    for (const operand of [value, gradient, firstMoment, secondMoment, accBeta1, accBeta2]) {
      if (operand.dtype !== 'float32') throw new TypeError(`UnetAdamUpdate takes float32 tensors, got ${operand.dtype}`);
    }
    // tfjs: sub(1, accBeta) in float32, and the constants as float32 scalars.
    const scalars = Float32Array.of(
      beta1,
      1 - beta1,
      beta2,
      1 - beta2,
      1 - backend.floats(accBeta1)[0],
      1 - backend.floats(accBeta2)[0],
      epsilon,
      -learningRate,
    );
    const state = [value, firstMoment, secondMoment];
    if (state.every((operand) => backend.mayOverwrite(operand))) {
      const [values, firstMoments, secondMoments] = state.map((operand) => backend.floats(operand));
      backend.addon.adamUpdate(values, backend.floats(gradient), firstMoments, secondMoments, scalars, values, firstMoments, secondMoments);
      return state.map((operand) => {
        backend.incRef(operand.dataId);
        return { dataId: operand.dataId, shape: [...operand.shape], dtype: 'float32' as const };
      });
    }
    const outputs = [backend.output(size), backend.output(size), backend.output(size)];
    backend.addon.adamUpdate(
      backend.floats(value),
      backend.floats(gradient),
      backend.floats(firstMoment),
      backend.floats(secondMoment),
      scalars,
      outputs[0],
      outputs[1],
      outputs[2],
    );
    return outputs.map((out) => backend.makeTensorInfo(value.shape, 'float32', out));
  },
};
