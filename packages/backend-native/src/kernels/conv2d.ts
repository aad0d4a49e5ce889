import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';
import { cpuKernel } from './cpu_fallback.js';
import { allFloat32, convolutionParameters } from './parameters.js';

/** Conv2D: x [batch, height, width, inChannels] * filter [fh, fw, inChannels, outChannels]. */
export const conv2dConfig: tf.KernelConfig = {
  kernelName: tf.Conv2D,
  backendName: 'native',
  kernelFunc: (args) => {
    const { inputs, attrs } = args;
    const backend = args.backend as NativeBackend;
    const { x, filter } = inputs as unknown as tf.Conv2DInputs & { x: tf.TensorInfo; filter: tf.TensorInfo };
    const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as tf.Conv2DAttrs;
    if (dataFormat !== 'NHWC' || !allFloat32(x, filter)) return cpuKernel(tf.Conv2D)(args);
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
    backend.addon.conv2d(backend.floats(x), backend.floats(filter), null, convolutionParameters(info), 0, out);
    return backend.makeTensorInfo(info.outShape, 'float32', out);
  },
};
