import type { backend_util } from '@tensorflow/tfjs-core';

/**
 * The 17 integers native/unet_native.cc reads for a convolution: batch, inHeight, inWidth,
 * inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight,
 * strideWidth, dilationHeight, dilationWidth, padTop, padLeft, padBottom, padRight.
 */
export function convolutionParameters(info: backend_util.Conv2DInfo): Int32Array {
  const { padInfo } = info;
  return Int32Array.from([
    info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    info.outHeight, info.outWidth, info.outChannels,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth,
    info.dilationHeight, info.dilationWidth,
    padInfo.top, padInfo.left, padInfo.bottom, padInfo.right,
  ]);
}

/**
 * The 14 integers for a pooling: batch, inHeight, inWidth, channels, outHeight, outWidth,
 * filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padTop,
 * padLeft.
 */
export function poolingParameters(info: backend_util.Conv2DInfo): Int32Array {
  return Int32Array.from([
    info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    info.outHeight, info.outWidth,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth,
    info.dilationHeight, info.dilationWidth,
    info.padInfo.top, info.padInfo.left,
  ]);
}

/** Whether every input is float32: the addon computes in float32 only. */
export function allFloat32(...tensors: { dtype: string }[]): boolean {
  return tensors.every((tensor) => tensor.dtype === 'float32');
}
