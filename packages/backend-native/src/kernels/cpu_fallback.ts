import * as tf from '@tensorflow/tfjs-core';

/**
 * The cpu backend's own kernel for `kernelName`, for the cases the native one does not cover
 * (NCHW data, integer dtypes, batch broadcasting the addon does not do): the native backend
 * is a cpu backend, so the cpu kernel runs on it as is.
 */
export function cpuKernel(kernelName: string): tf.KernelFunc {
  const config = tf.getKernel(kernelName, 'cpu');
  if (config === undefined) {
    throw new Error(`@unet/backend-native: the cpu backend has no '${kernelName}' kernel; import @tensorflow/tfjs-backend-cpu 4.22`);
  }
  return config.kernelFunc;
}
