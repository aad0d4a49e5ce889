import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';
import { cpuKernel } from './cpu_fallback.js';
import { allFloat32, convolutionParameters } from './parameters.js';

/**
 * Conv2DBackpropInput: the gradient of Conv2D with respect to its input, dx [inputShape] from
 * dy [batch, outHeight, outWidth, outChannels]; also tfjs's conv2dTranspose.
 */
export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'native',
  kernelFunc: (args) => {
    const { inputs, attrs } = args;
    const backend = args.backend as NativeBackend;
    const { dy, filter } = inputs as unknown as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const { inputShape, strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
    if (dataFormat !== 'NHWC' || !allFloat32(dy, filter)) return cpuKernel(tf.Conv2DBackpropInput)(args);
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const dx = backend.output(tf.util.sizeFromShape(info.inShape));
    backend.addon.conv2dBackpropInput(backend.floats(dy), backend.floats(filter), convolutionParameters(info), dx);
    return backend.makeTensorInfo(info.inShape, 'float32', dx);
  },
};
