import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';
import { cpuKernel } from './cpu_fallback.js';
import { allFloat32, convolutionParameters } from './parameters.js';

/**
 * Conv2DBackpropFilter: the gradient of Conv2D with respect to its filter,
 * dw [fh, fw, inChannels, outChannels] from x and dy. The cpu backend's is a plain loop and
 * took 92% of a small-preset train step (docs/benchmarks.md).
 */
export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'native',
  kernelFunc: (args) => {
    const { inputs, attrs } = args;
    const backend = args.backend as NativeBackend;
    const { x, dy } = inputs as unknown as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    if (dataFormat !== 'NHWC' || !allFloat32(x, dy)) return cpuKernel(tf.Conv2DBackpropFilter)(args);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const dw = backend.output(tf.util.sizeFromShape(info.filterShape));
    backend.addon.conv2dBackpropFilter(backend.floats(x), backend.floats(dy), convolutionParameters(info), dw);
    return backend.makeTensorInfo(info.filterShape, 'float32', dw);
  },
};
