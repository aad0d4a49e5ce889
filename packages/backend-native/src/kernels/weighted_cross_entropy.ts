import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../native_backend.js';

/**
 * The weighted softmax cross-entropy kernels that @unet/train's weightedCrossEntropy looks for
 * (their contract is in @unet/train's losses/cross_entropy_kernels.ts; a test checks that the
 * names agree): the loss and its denominator in one pass over the logits, its gradient in
 * another (native/weighted_cross_entropy.cc), where tfjs's ops ran some fifteen kernels each way.
 */
export const weightedCrossEntropyKernelName = 'UnetWeightedCrossEntropy';
export const weightedCrossEntropyGradKernelName = 'UnetWeightedCrossEntropyGrad';

interface CrossEntropyAttributes {
  ignoreLabel: number;
  ignores: boolean;
  normalization: 'weights' | 'pixels';
}

function parameters(logits: tf.TensorInfo, attrs: CrossEntropyAttributes): Int32Array {
  const classes = logits.shape[logits.shape.length - 1]!;
  const pixels = tf.util.sizeFromShape(logits.shape) / classes;
  return Int32Array.of(pixels, classes, attrs.ignoreLabel, attrs.ignores ? 1 : 0, attrs.normalization === 'pixels' ? 1 : 0);
}

// weightedCrossEntropy checks the labels' dtype (int32) before it runs the kernel.
function labelValues(backend: NativeBackend, labels: tf.TensorInfo): Int32Array {
  const values = backend.data.get(labels.dataId).values;
  return values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>);
}

function optionalWeights(backend: NativeBackend, weights: tf.TensorInfo | undefined): Float32Array | null {
  return weights === undefined ? null : backend.floats(weights);
}

export const weightedCrossEntropyConfig: tf.KernelConfig = {
  kernelName: weightedCrossEntropyKernelName,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { logits, labels, weights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs as unknown as CrossEntropyAttributes;
    const out = new Float32Array(2);
    backend.addon.weightedCrossEntropy(
      backend.floats(logits!),
      labelValues(backend, labels!),
      optionalWeights(backend, weights),
      parameters(logits!, attrs),
      out,
    );
    return [backend.makeTensorInfo([], 'float32', out.slice(0, 1)), backend.makeTensorInfo([], 'float32', out.slice(1, 2))];
  },
};

export const weightedCrossEntropyGradConfig: tf.KernelConfig = {
  kernelName: weightedCrossEntropyGradKernelName,
  backendName: 'native',
  kernelFunc: (args) => {
    const backend = args.backend as NativeBackend;
    const { dy, logits, labels, weights, denominator } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs as unknown as CrossEntropyAttributes;
    const dlogits = backend.output(tf.util.sizeFromShape(logits!.shape));
    backend.addon.weightedCrossEntropyGrad(
      backend.floats(dy!)[0]!,
      backend.floats(logits!),
      labelValues(backend, labels!),
      optionalWeights(backend, weights),
      backend.floats(denominator!)[0]!,
      parameters(logits!, attrs),
      dlogits,
    );
    return backend.makeTensorInfo(logits!.shape, 'float32', dlogits);
  },
};
