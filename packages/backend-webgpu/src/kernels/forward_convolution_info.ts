import { backend_util, type Conv2DAttrs, type TensorInfo } from '@tensorflow/tfjs-core';

/** The geometry of a forward convolution from its inputs and attributes (Conv2D's and FusedConv2D's alike). */
export function forwardConvolutionInfo(x: TensorInfo, filter: TensorInfo, attrs: Conv2DAttrs): backend_util.Conv2DInfo {
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs;
  return backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
}
