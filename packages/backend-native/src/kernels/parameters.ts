import type { backend_util } from '@tensorflow/tfjs-core';
import geometry from './geometry.json' with { type: 'json' };

/**
 * The fields, in order, of the Int32Array the addon reads for a convolution and for a pooling:
 * geometry.json, from which the build also generates the C++ header that reads them, so that
 * the two sides have one list.
 */
export const geometryFields: { readonly convolution: readonly string[]; readonly pooling: readonly string[] } = {
  convolution: geometry.convolution,
  pooling: geometry.pooling,
};

// Each named field's value, in the list's order; a field the list names but `values` lacks is
// a bug here, not a zero.
function ordered(kind: keyof typeof geometryFields, values: Record<string, number>): Int32Array {
  return Int32Array.from(geometryFields[kind], (field) => {
    const value = values[field];
    if (value === undefined) throw new Error(`src/kernels/geometry.json: ${kind} field "${field}" has no value in parameters.ts`);
    return value;
  });
}

/** A convolution's geometry as the addon reads it (geometry.json's "convolution"). */
export function convolutionParameters(info: backend_util.Conv2DInfo): Int32Array {
  const { padInfo } = info;
  return ordered('convolution', {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: padInfo.top,
    padLeft: padInfo.left,
    padBottom: padInfo.bottom,
    padRight: padInfo.right,
  });
}

/** A pooling's geometry as the addon reads it (geometry.json's "pooling"). */
export function poolingParameters(info: backend_util.Conv2DInfo): Int32Array {
  return ordered('pooling', {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    channels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  });
}

/** Whether every input is float32: the addon computes in float32 only. */
export function allFloat32(...tensors: { dtype: string }[]): boolean {
  return tensors.every((tensor) => tensor.dtype === 'float32');
}
