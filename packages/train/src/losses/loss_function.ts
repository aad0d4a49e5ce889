import * as tf from '@tensorflow/tfjs-core';
import { LossArgumentError } from '../errors.js';

/** What a loss compares the network's logits with. */
export interface LossTarget {
  /** Class ids, int32, the ignore label kept as is // [batch, height, width] */
  labels: tf.Tensor3D;
  /** Per-pixel weights (the paper's weight map), float32; absent means 1 everywhere // [batch, height, width] */
  weights?: tf.Tensor3D;
}

/**
 * A training loss: a scalar from the network's logits // [batch, height, width, classes]
 * and the target. `fit` calls it inside a gradient tape, so it must use tensor ops only.
 */
export type LossFunction = (logits: tf.Tensor4D, target: LossTarget) => tf.Scalar;

/** The label that VOC gives to object borders and unlabelled pixels: they add nothing to a loss. */
export const DEFAULT_IGNORE_LABEL = 255;

/** Checks that logits, labels and weights describe the same pixels. */
export function checkLossArguments(where: string, logits: tf.Tensor, target: LossTarget): void {
  const { labels, weights } = target;
  if (logits.rank !== 4) {
    throw new LossArgumentError(`${where}: logits must be [batch, height, width, classes], got shape [${logits.shape}]`);
  }
  const [batch, height, width] = logits.shape;
  if (labels.rank !== 3 || labels.shape[0] !== batch || labels.shape[1] !== height || labels.shape[2] !== width) {
    throw new LossArgumentError(
      `${where}: labels have shape [${labels.shape}] but the logits [${logits.shape}] need ` +
        `[${batch}, ${height}, ${width}]: crop the masks to the network's output tile (outputShape)`,
    );
  }
  if (labels.dtype !== 'int32') {
    throw new LossArgumentError(`${where}: labels must be int32 class ids, got ${labels.dtype}`);
  }
  if (weights !== undefined && !tf.util.arraysEqual(weights.shape, labels.shape)) {
    throw new LossArgumentError(
      `${where}: weights have shape [${weights.shape}] but the labels [${labels.shape}]: give one weight per output pixel`,
    );
  }
}

/**
 * 1 where the label is not the ignore label, else 0, as float32 // [batch, height, width].
 * `ignoreLabel: null` ignores nothing.
 */
export function validPixels(labels: tf.Tensor3D, ignoreLabel: number | null): tf.Tensor3D {
  if (ignoreLabel === null) return tf.ones(labels.shape, 'float32');
  // An int32 scalar: mixing dtypes makes tfjs upcast with a chained op (tensor.cast), which
  // tfjs-core's CommonJS build in Node lacks.
  return tf.cast(tf.notEqual(labels, tf.scalar(ignoreLabel, 'int32')), 'float32');
}

/**
 * The mean of a per-pixel loss over the pixels that count: weighted by the weight map (where
 * given) and the valid mask, divided by the sum of those weights ('weights': keeps the scale of
 * the unweighted loss) or by the count of valid pixels ('pixels'). All pixels ignored: 0.
 *
 * @param perPixel // [batch, height, width]
 */
export function weightedPixelMean(
  perPixel: tf.Tensor3D,
  valid: tf.Tensor3D,
  weights: tf.Tensor3D | undefined,
  normalization: 'weights' | 'pixels',
): tf.Scalar {
  return tf.tidy(() => {
    const pixelWeights = weights === undefined ? valid : tf.mul(valid, weights);
    const total = tf.sum(tf.mul(pixelWeights, perPixel));
    const denominator = normalization === 'weights' ? tf.sum(pixelWeights) : tf.sum(valid);
    return tf.div(total, tf.maximum(denominator, 1e-12)) as tf.Scalar;
  });
}
