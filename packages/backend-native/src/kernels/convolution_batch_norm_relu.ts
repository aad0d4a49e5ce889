import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';
import { convolutionParameters } from './parameters.js';

/**
 * The kernel that @unet/model's DoubleConvolution looks for in inference (its contract is in
 * @unet/model's layers/convolution_batch_norm_kernels.ts; a test checks that the names agree):
 * relu(batchNorm(conv2d(x, filter))) with the moving statistics, as one oneDNN convolution with
 * a bias and a ReLU post-op whose kernel and bias are folded in the addon on their way into
 * oneDNN's layout (native/conv2d.cc), where the fold by tfjs ops ran five kernels a layer and
 * pass: 90 of a small-preset forward pass's 117 kernel calls.
 */
export const convolutionBatchNormReluKernelName = 'UnetConvolutionBatchNormRelu';

export const convolutionBatchNormReluConfig: tf.KernelConfig = {
  kernelName: convolutionBatchNormReluKernelName,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { x, filter, gamma, beta, mean, variance } = args.inputs as Record<string, tf.TensorInfo>;
    const { pad, epsilon } = args.attrs as unknown as { pad: 'same' | 'valid'; epsilon: number };
    const info = tf.backend_util.computeConv2DInfo(
      x!.shape as [number, number, number, number],
      filter!.shape as [number, number, number, number],
      1,
      1,
      pad,
      undefined,
      false,
      'channelsLast',
    );
    const out = backend.output(tf.util.sizeFromShape(info.outShape));
    backend.addon.conv2dBatchNormRelu(
      backend.floats(x!),
      backend.floats(filter!),
      backend.floats(gamma!),
      backend.floats(beta!),
      backend.floats(mean!),
      backend.floats(variance!),
      convolutionParameters(info),
      epsilon,
      out,
    );
    return backend.makeTensorInfo(info.outShape, 'float32', out);
  },
};
