import * as tf from '@tensorflow/tfjs-core';
import '@unet/core';
import { describeWithBackends, expectArraysClose } from '@unet/test-utils';
import { it } from 'vitest';
import { combineLosses } from './combined_loss.js';
import { softDiceLoss } from './soft_dice.js';
import { weightedCrossEntropyLoss } from './weighted_cross_entropy.js';

const { LN2, log } = Math;
const LN3 = log(3);

describeWithBackends('combineLosses', () => {
  it('is the weighted sum of its terms: 0.5 CE + 2 Dice on the 2x2 case', () => {
    const logits = tf.tensor4d([0, 0, LN3, 0, 0, LN3, 5, -5], [1, 2, 2, 2]);
    const labels = tf.tensor3d([0, 0, 1, 255], [1, 2, 2], 'int32');
    // CE: (ln 2 + (ln 4 - ln 3) + (ln 4 - ln 3)) / 3 = (5 ln 2 - 2 ln 3) / 3; Dice (smooth 0): 12/35.
    const loss = combineLosses([
      { loss: weightedCrossEntropyLoss(), weight: 0.5 },
      { loss: softDiceLoss({ smooth: 0 }), weight: 2 },
    ]);
    expectArraysClose(loss(logits, { labels }), [(0.5 * (5 * LN2 - 2 * LN3)) / 3 + (2 * 12) / 35], 1e-6);
  });
});
