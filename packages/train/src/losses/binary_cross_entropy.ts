import * as tf from '@tensorflow/tfjs-core';
import { LossArgumentError } from '../errors.js';
import {
  type LossFunction,
  type LossTarget,
  DEFAULT_IGNORE_LABEL,
  checkLossArguments,
  validPixels,
  weightedPixelMean,
} from './loss_function.js';
import type { CrossEntropyOptions } from './weighted_cross_entropy.js';

/**
 * Binary cross-entropy for a 1-channel head whose logit x gives p = sigmoid(x) of class 1:
 * -(y log p + (1 - y) log(1 - p)), computed as max(x, 0) - x y + log(1 + exp(-|x|)) so that
 * large logits neither overflow nor lose the loss to rounding. Labels are 0 or 1 (or the
 * ignore label); weights and normalisation as in weightedCrossEntropy.
 *
 * @param logits // [batch, height, width, 1]
 */
export function binaryCrossEntropyWithLogits(logits: tf.Tensor4D, target: LossTarget, options: CrossEntropyOptions = {}): tf.Scalar {
  checkLossArguments('binaryCrossEntropyWithLogits', logits, target);
  if (logits.shape[3] !== 1) {
    throw new LossArgumentError(
      `binaryCrossEntropyWithLogits: logits have ${logits.shape[3]} channels; it takes a 1-channel ` +
        'head (classes: 1); use weightedCrossEntropy for a softmax over several classes',
    );
  }
  const ignoreLabel = options.ignoreLabel === undefined ? DEFAULT_IGNORE_LABEL : options.ignoreLabel;
  const normalization = options.normalization ?? 'weights';
  return tf.tidy(() => {
    const x = tf.squeeze(logits, [3]);
    const valid = validPixels(target.labels, ignoreLabel);
    const y = tf.mul(tf.cast(target.labels, 'float32'), valid);
    const perPixel = tf.add(tf.sub(tf.relu(x), tf.mul(x, y)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
    return weightedPixelMean(perPixel as tf.Tensor3D, valid, target.weights, normalization);
  });
}

/** binaryCrossEntropyWithLogits as a LossFunction for fit. */
export function binaryCrossEntropyLoss(options: CrossEntropyOptions = {}): LossFunction {
  return (logits, target) => binaryCrossEntropyWithLogits(logits, target, options);
}
