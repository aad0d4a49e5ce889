import * as tf from '@tensorflow/tfjs-core';
import { LossArgumentError } from '../errors.js';
import { type LossFunction, type LossTarget, DEFAULT_IGNORE_LABEL, checkLossArguments, validPixels } from './loss_function.js';

export interface SoftDiceOptions {
  /** Pixels with this label are left out of every sum; 255 (VOC's void); null: none. */
  ignoreLabel?: number | null;
  /**
   * Added to numerator and denominator. 1 keeps the Dice of a class that is absent from the
   * batch near 1 while it is not predicted (instead of 0/0) and bounds the gradient.
   */
  smooth?: number;
  /** The classes averaged (all by default; [1] for foreground only). A 1-channel head has class 1 only. */
  classes?: number[];
}

/**
 * 1 - the mean over classes of the soft Dice (2 sum p t + s) / (sum p + sum t + s), with p the
 * softmax probability (sigmoid for a 1-channel head) and t the one-hot label. The sums run over
 * the whole batch (not per image), so that a class absent from one image does not dominate; the
 * per-pixel weights are not used (Dice is a ratio of areas).
 *
 * @param logits // [batch, height, width, classes]
 */
export function softDice(logits: tf.Tensor4D, target: LossTarget, options: SoftDiceOptions = {}): tf.Scalar {
  checkLossArguments('softDice', logits, target);
  const ignoreLabel = options.ignoreLabel === undefined ? DEFAULT_IGNORE_LABEL : options.ignoreLabel;
  const smooth = options.smooth ?? 1;
  const channels = logits.shape[3];
  const sigmoidHead = channels === 1;
  const classes = options.classes ?? (sigmoidHead ? [1] : Array.from({ length: channels }, (_, c) => c));
  const available = sigmoidHead ? 2 : channels;
  for (const c of classes) {
    if (!Number.isInteger(c) || c < 0 || c >= available || (sigmoidHead && c !== 1)) {
      throw new LossArgumentError(
        `softDice: class ${c} is not one of the head's classes (${sigmoidHead ? '1 for a 1-channel head' : `0 to ${channels - 1}`})`,
      );
    }
  }
  if (classes.length === 0) throw new LossArgumentError('softDice: classes is empty: name at least one class');
  return tf.tidy(() => {
    const valid = tf.expandDims(validPixels(target.labels, ignoreLabel), -1);
    const safeLabels = tf.mul(target.labels, tf.cast(tf.squeeze(valid, [3]), 'int32'));
    let probabilities: tf.Tensor4D;
    let truth: tf.Tensor4D;
    if (sigmoidHead) {
      probabilities = tf.sigmoid(logits);
      truth = tf.expandDims(tf.cast(tf.equal(safeLabels, tf.scalar(1, 'int32')), 'float32'), -1);
    } else {
      probabilities = tf.softmax(logits);
      truth = tf.cast(tf.oneHot(safeLabels, channels), 'float32') as tf.Tensor4D;
    }
    const maskedProbabilities = tf.mul(probabilities, valid);
    const maskedTruth = tf.mul(truth, valid);
    const intersection = tf.sum(tf.mul(maskedProbabilities, maskedTruth), [0, 1, 2]);
    const sums = tf.add(tf.sum(maskedProbabilities, [0, 1, 2]), tf.sum(maskedTruth, [0, 1, 2]));
    const dice = tf.div(tf.add(tf.mul(intersection, 2), smooth), tf.add(sums, smooth));
    const selected = sigmoidHead ? dice : tf.gather(dice, tf.tensor1d(classes, 'int32'));
    return tf.sub(1, tf.mean(selected)) as tf.Scalar;
  });
}

/** softDice as a LossFunction for fit. */
export function softDiceLoss(options: SoftDiceOptions = {}): LossFunction {
  return (logits, target) => softDice(logits, target, options);
}
