import { transposeArray } from './transpose_array.js';

/** A weight as plain numbers: row-major `values` of `shape`. */
export interface WeightArray {
  values: Float32Array;
  shape: number[];
}

/*
 * Our kernels and ONNX's hold the same numbers in different axis orders.
 * - Convolution: ours (tfjs conv2d) [kernelHeight, kernelWidth, in, out]; ONNX Conv W is
 *   [out, in, kernelHeight, kernelWidth].
 * - Up-convolution: ours [2, 2, out, in] with y[2i + p, 2j + q, o] = sum_c x[i, j, c] k[p, q, o, c]
 *   (layers/up_convolution.ts); ONNX ConvTranspose W is [in, out, 2, 2] with
 *   y[o, 2i + p, 2j + q] = sum_c x[c, i, j] W[c, o, p, q]. So k[p, q, o, c] = W[c, o, p, q].
 * Both are the same permutation: ours -> ONNX takes axes [3, 2, 0, 1], ONNX -> ours [2, 3, 1, 0].
 */
const toOnnxAxes = [3, 2, 0, 1];
const fromOnnxAxes = [2, 3, 1, 0];

/** Our [kh, kw, in, out] convolution kernel as ONNX Conv's [out, in, kh, kw]. */
export function convolutionKernelToOnnx(kernel: WeightArray): WeightArray {
  return transposeArray(kernel.values, kernel.shape, toOnnxAxes);
}

/** ONNX Conv's [out, in, kh, kw] as our [kh, kw, in, out]. */
export function convolutionKernelFromOnnx(weight: WeightArray): WeightArray {
  return transposeArray(weight.values, weight.shape, fromOnnxAxes);
}

/** Our [2, 2, out, in] up-convolution kernel as ONNX ConvTranspose's [in, out, 2, 2]. */
export function upConvolutionKernelToOnnx(kernel: WeightArray): WeightArray {
  return transposeArray(kernel.values, kernel.shape, toOnnxAxes);
}

/** ONNX ConvTranspose's [in, out, 2, 2] as our [2, 2, out, in]. */
export function upConvolutionKernelFromOnnx(weight: WeightArray): WeightArray {
  return transposeArray(weight.values, weight.shape, fromOnnxAxes);
}
