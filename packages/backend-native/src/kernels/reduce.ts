import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';
import { cpuKernel } from './cpu_fallback.js';

/**
 * Sum and Mean of float32 tensors over one block of adjacent axes (size-1 dims aside): [0, 1, 2]
 * of NHWC for batch norm's per-channel statistics and gradients, [1, 2] for per-image ones, the
 * last axes, or all. Summed in double precision as the cpu backend does in JavaScript numbers.
 * Other axes go to the cpu kernel, which transposes first.
 */
function reduceConfig(kernelName: string, mean: boolean): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'native',
    kernelFunc: (args) => {
      const backend = args.backend as NativeBackend;
      const { x } = args.inputs as unknown as { x: tf.TensorInfo };
      const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
      if (x.dtype !== 'float32' || x.shape.length === 0) return cpuKernel(kernelName)(args);
      const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((first, second) => first - second);
      const view = blockView(x.shape, axes);
      if (view === undefined) return cpuKernel(kernelName)(args);
      const [outShape, reduceShape] = tf.backend_util.computeOutAndReduceShapes(x.shape, axes);
      const reduceSize = tf.util.sizeFromShape(reduceShape);
      const out = backend.output(tf.util.sizeFromShape(outShape));
      backend.addon.sumRows(backend.floats(x), Int32Array.from(view), mean ? 1 / Math.max(reduceSize, 1) : 1, out);
      const shape = keepDims ? tf.backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
      return backend.makeTensorInfo(shape, 'float32', out);
    },
  };
}

/**
 * [outer, reduce, inner] when the reduced axes, ignoring dims of size 1, are adjacent; else
 * undefined.
 */
export function blockView(shape: readonly number[], axes: readonly number[]): [number, number, number] | undefined {
  const reduced = new Set(axes);
  const kinds = shape.map((size, axis) => (size === 1 ? 'unit' : reduced.has(axis) ? 'reduce' : 'keep'));
  const first = kinds.indexOf('reduce');
  const last = kinds.lastIndexOf('reduce');
  if (first < 0) return [tf.util.sizeFromShape([...shape]), 1, 1];
  if (kinds.slice(first, last + 1).includes('keep')) return undefined;
  const product = (from: number, to: number) => shape.slice(from, to).reduce((total, size) => total * size, 1);
  return [product(0, first), product(first, last + 1), product(last + 1, shape.length)];
}

export const sumConfig = reduceConfig(tf.Sum, false);
export const meanConfig = reduceConfig(tf.Mean, true);
