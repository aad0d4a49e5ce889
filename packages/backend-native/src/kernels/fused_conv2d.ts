import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';
import { cpuKernel } from './cpu_fallback.js';
import { allFloat32, convolutionParameters } from './parameters.js';

/**
 * FusedConv2D (tf.fused.conv2d) with a per-channel bias and a linear or ReLU activation: one
 * oneDNN convolution with the bias and a ReLU post-op, so a conv + bias + ReLU block writes (and
 * keeps for its gradient) one activation instead of three. Other activations, PReLU weights and
 * broadcast biases go to the cpu kernel.
 */
export const fusedConv2dConfig: tf.KernelConfig = {
  kernelName: tf.FusedConv2D,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { x, filter, bias, preluActivationWeights } = args.inputs as unknown as Record<string, tf.TensorInfo | undefined> & {
      x: tf.TensorInfo;
      filter: tf.TensorInfo;
    };
    const { strides, pad, dataFormat, dilations, dimRoundingMode, activation } = args.attrs as unknown as tf.FusedConv2DAttrs;
    const outChannels = filter.shape[3];
    const plainBias =
      bias == null || (bias.dtype === 'float32' && tf.util.sizeFromShape(bias.shape) === outChannels && bias.shape.length === 1);
    const supported =
      dataFormat === 'NHWC' &&
      allFloat32(x, filter) &&
      plainBias &&
      preluActivationWeights == null &&
      (activation === 'linear' || activation === 'relu' || activation === undefined);
    if (!supported) return cpuKernel(tf.FusedConv2D)(args);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      strides,
      dilations,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const out = backend.output(tf.util.sizeFromShape(info.outShape));
    backend.addon.conv2d(
      backend.floats(x),
      backend.floats(filter),
      bias == null ? null : backend.floats(bias),
      convolutionParameters(info),
      activation === 'relu' ? 1 : 0,
      out,
    );
    return backend.makeTensorInfo(info.outShape, 'float32', out);
  },
};
