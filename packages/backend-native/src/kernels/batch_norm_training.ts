import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';

/**
 * The training-mode batch norm kernels that @unet/model's batchNormTraining looks for (their
 * contract is in @unet/model's layers/batch_norm_kernels.ts; a test checks that the names
 * agree): batch statistics, normalisation and an optional ReLU in two passes, and the
 * closed-form gradient in two more, per channel of the last axis, on every OpenMP thread.
 */
export const batchNormTrainingKernelName = 'UnetBatchNormTraining';
export const batchNormTrainingGradKernelName = 'UnetBatchNormTrainingGrad';

export const batchNormTrainingConfig: tf.KernelConfig = {
  kernelName: batchNormTrainingKernelName,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { x, gamma, beta } = args.inputs as Record<string, tf.TensorInfo>;
    const { epsilon, relu } = args.attrs as unknown as { epsilon: number; relu: boolean };
    const channels = gamma!.shape[0]!;
    const y = backend.output(tf.util.sizeFromShape(x!.shape));
    const mean = new Float32Array(channels);
    const variance = new Float32Array(channels);
    backend.addon.batchNormTraining(backend.floats(x!), backend.floats(gamma!), backend.floats(beta!), epsilon, relu, y, mean, variance);
    return [
      backend.makeTensorInfo(x!.shape, 'float32', y),
      backend.makeTensorInfo([channels], 'float32', mean),
      backend.makeTensorInfo([channels], 'float32', variance),
    ];
  },
};

export const batchNormTrainingGradConfig: tf.KernelConfig = {
  kernelName: batchNormTrainingGradKernelName,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { dy, x, y, gamma, mean, variance } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const { epsilon } = args.attrs as unknown as { epsilon: number };
    const channels = gamma!.shape[0]!;
    const dx = backend.output(tf.util.sizeFromShape(x!.shape));
    const dgamma = new Float32Array(channels);
    const dbeta = new Float32Array(channels);
    backend.addon.batchNormTrainingGrad(
      backend.floats(dy!),
      backend.floats(x!),
      y == null ? null : backend.floats(y),
      backend.floats(gamma!),
      backend.floats(mean!),
      backend.floats(variance!),
      epsilon,
      dx,
      dgamma,
      dbeta,
    );
    return [
      backend.makeTensorInfo(x!.shape, 'float32', dx),
      backend.makeTensorInfo([channels], 'float32', dgamma),
      backend.makeTensorInfo([channels], 'float32', dbeta),
    ];
  },
};
