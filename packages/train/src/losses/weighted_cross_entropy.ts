import * as tf from '@tensorflow/tfjs-core';
import { WEIGHTED_CROSS_ENTROPY_GRAD_KERNEL, WEIGHTED_CROSS_ENTROPY_KERNEL } from './cross_entropy_kernels.js';
import {
  type LossFunction,
  type LossTarget,
  DEFAULT_IGNORE_LABEL,
  checkLossArguments,
  validPixels,
  weightedPixelMean,
} from './loss_function.js';

/**
 * What the weighted sum of the per-pixel losses is divided by.
 * - 'weights' (the default): the sum of the weights of the counted pixels, so the loss is a
 *   weighted mean. Its scale is that of plain cross-entropy (ln 2 for an untrained 2-class
 *   net) whatever w0 and the number of cell borders in a tile, so one learning rate fits
 *   weighted and unweighted runs and no tile gets a larger step because it holds many borders
 *   (with momentum 0.99 such spikes are what makes a run diverge). The relative emphasis of
 *   the weight map, which is what the paper's energy is about, is unchanged.
 * - 'pixels': the number of counted pixels: the paper's energy sum w(x) log p(x) scaled by a
 *   constant, so a tile's gradient grows with the weight it holds.
 */
export type LossNormalization = 'weights' | 'pixels';

export interface CrossEntropyOptions {
  /** Pixels with this label add nothing and are not counted; 255 (VOC's void); null: none. */
  ignoreLabel?: number | null;
  normalization?: LossNormalization;
}

/**
 * The paper's energy (Ronneberger et al. 2015, eq. 1): softmax over the classes, then
 * -sum_x w(x) log p_{l(x)}(x), divided as `normalization` says, over the pixels whose label is
 * not `ignoreLabel`. Labels must otherwise lie in [0, classes) (fit checks each batch).
 * A backend that registers the kernels of cross_entropy_kernels.ts runs it (and its gradient)
 * in a few dispatches; elsewhere tfjs-core ops do it.
 *
 * @param logits // [batch, height, width, classes]
 * @returns a scalar; 0 when every pixel is ignored
 */
export function weightedCrossEntropy(logits: tf.Tensor4D, target: LossTarget, options: CrossEntropyOptions = {}): tf.Scalar {
  checkLossArguments('weightedCrossEntropy', logits, target);
  const ignoreLabel = options.ignoreLabel === undefined ? DEFAULT_IGNORE_LABEL : options.ignoreLabel;
  const normalization = options.normalization ?? 'weights';
  if (hasCrossEntropyKernels()) return fusedWeightedCrossEntropy(logits, target, ignoreLabel, normalization);
  return tf.tidy(() => {
    const classes = logits.shape[3];
    const valid = validPixels(target.labels, ignoreLabel);
    // An ignored pixel's label may be 255 or any other value; class 0 stands in for it and its
    // zero weight removes it.
    const safeLabels = tf.mul(target.labels, tf.cast(valid, 'int32'));
    const oneHot = tf.cast(tf.oneHot(safeLabels, classes), 'float32');
    const logProbabilities = tf.logSoftmax(logits);
    const negativeLogLikelihood = tf.neg(tf.sum(tf.mul(oneHot, logProbabilities), -1));
    return weightedPixelMean(negativeLogLikelihood as tf.Tensor3D, valid, target.weights, normalization);
  });
}

/** Whether the current backend registers both kernels of cross_entropy_kernels.ts. */
function hasCrossEntropyKernels(): boolean {
  const backend = tf.getBackend();
  return (
    tf.getKernel(WEIGHTED_CROSS_ENTROPY_KERNEL, backend) !== undefined &&
    tf.getKernel(WEIGHTED_CROSS_ENTROPY_GRAD_KERNEL, backend) !== undefined
  );
}

// The kernels' op: the gradient reaches the logits only (labels and weights are data).
function fusedWeightedCrossEntropy(
  logits: tf.Tensor4D,
  target: LossTarget,
  ignoreLabel: number | null,
  normalization: LossNormalization,
): tf.Scalar {
  const attrs = { ignoreLabel: ignoreLabel ?? 0, ignores: ignoreLabel !== null, normalization } as unknown as tf.NamedAttrMap;
  const data: tf.NamedTensorMap = { labels: target.labels };
  if (target.weights !== undefined) data.weights = target.weights;
  const op = tf.customGrad((...args) => {
    const [input, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
    const [loss, denominator] = tf.engine().runKernel(WEIGHTED_CROSS_ENTROPY_KERNEL, { logits: input, ...data }, attrs) as [
      tf.Scalar,
      tf.Scalar,
    ];
    save([input, denominator]);
    return {
      value: loss,
      gradFunc: (dy, saved) => {
        const [savedLogits, savedDenominator] = saved as [tf.Tensor4D, tf.Scalar];
        return tf
          .engine()
          .runKernel(
            WEIGHTED_CROSS_ENTROPY_GRAD_KERNEL,
            { dy: dy as tf.Scalar, logits: savedLogits, ...data, denominator: savedDenominator },
            attrs,
          ) as tf.Tensor4D;
      },
    };
  }) as unknown as (logits: tf.Tensor4D) => tf.Scalar;
  return op(logits);
}

/** weightedCrossEntropy as a LossFunction for fit. */
export function weightedCrossEntropyLoss(options: CrossEntropyOptions = {}): LossFunction {
  return (logits, target) => weightedCrossEntropy(logits, target, options);
}
