import * as tf from '@tensorflow/tfjs-core';
import '@unet/core';
import { describeWithBackends, expectArraysClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { LossArgumentError } from '../errors.js';
import { softDice } from './soft_dice.js';

const LN3 = Math.log(3);
// Softmax probabilities of class 0: 1/2, 3/4, 1/4; the fourth pixel (label 255) is ignored.
const logits = () => tf.tensor4d([0, 0, LN3, 0, 0, LN3, 5, -5], [1, 2, 2, 2]);
const labels = () => tf.tensor3d([0, 0, 1, 255], [1, 2, 2], 'int32');

describeWithBackends('softDice', () => {
  it('matches a 2x2 case worked by hand, without smoothing: 12/35', () => {
    // class 0: p = (1/2, 3/4, 1/4), t = (1, 1, 0): 2 * 5/4 / (3/2 + 2) = 5/7
    // class 1: p = (1/2, 1/4, 3/4), t = (0, 0, 1): 2 * 3/4 / (3/2 + 1) = 3/5
    // 1 - (5/7 + 3/5) / 2 = 12/35
    expectArraysClose(softDice(logits(), { labels: labels() }, { smooth: 0 }), [12 / 35], 1e-6);
  });

  it('adds the smoothing to numerator and denominator: 16/63 with smooth 1', () => {
    // class 0: (5/2 + 1) / (7/2 + 1) = 7/9; class 1: (3/2 + 1) / (5/2 + 1) = 5/7
    expectArraysClose(softDice(logits(), { labels: labels() }), [16 / 63], 1e-6);
  });

  it('averages the named classes only', () => {
    expectArraysClose(softDice(logits(), { labels: labels() }, { smooth: 0, classes: [1] }), [2 / 5], 1e-6);
  });

  it('uses the sigmoid of a 1-channel head for class 1', () => {
    // p = 1/2, 3/4, 1/4 (ignored pixel last), t = 1, 0, 1: 2 * 3/4 / (3/2 + 2) = 3/7
    const head = tf.tensor4d([0, LN3, -LN3, 7], [1, 2, 2, 1]);
    const binary = tf.tensor3d([1, 0, 1, 255], [1, 2, 2], 'int32');
    expectArraysClose(softDice(head, { labels: binary }, { smooth: 0 }), [1 - 3 / 7], 1e-6);
  });

  it('rejects a class the head does not have', () => {
    expect(() => softDice(logits(), { labels: labels() }, { classes: [2] })).toThrow(LossArgumentError);
  });
});
