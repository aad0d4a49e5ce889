import { describe, expect, it } from 'vitest';
import { ConfusionMeasureError, confusionMatrix, iouAndDice } from './confusion_measures.js';

describe('confusionMatrix', () => {
  it('counts a hand-written 2x3 labelling with rows as truth and skips the void label', () => {
    // truth:     0 0 1 / 1 2 255     predicted: 0 1 1 / 2 2 0
    // (0,0) 1, (0,1) 1, (1,1) 1, (1,2) 1, (2,2) 1; the 255 pixel (predicted 0) is not counted.
    const matrix = confusionMatrix([0, 1, 1, 2, 2, 0], [0, 0, 1, 1, 2, 255], 3);
    expect(Array.from(matrix)).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 1]);
  });

  it('throws a typed error naming a predicted class outside the range', () => {
    expect(() => confusionMatrix([0, 7], [0, 1], 3)).toThrow(ConfusionMeasureError);
    expect(() => confusionMatrix([0, 7], [0, 1], 3)).toThrow(/predicted class 7/);
  });

  it('throws on a true class that is neither a class nor the ignore label, and on unequal lengths', () => {
    expect(() => confusionMatrix([0, 0], [0, 128], 2)).toThrow(/true class 128/);
    expect(() => confusionMatrix([0, 0, 0], [0, 0], 2)).toThrow(/3 pixels and the truth 2/);
  });
});

describe('iouAndDice', () => {
  it('matches hand-computed IoU and Dice and leaves an absent class out of the means', () => {
    // Four classes; class 3 appears nowhere. From the 2x3 case above:
    // class 0: TP 1, FN 1, FP 0 -> IoU 1/2, Dice 2/3
    // class 1: TP 1, FN 1, FP 1 -> IoU 1/3, Dice 2/4
    // class 2: TP 1, FN 0, FP 1 -> IoU 1/2, Dice 2/3
    const matrix = confusionMatrix([0, 1, 1, 2, 2, 0], [0, 0, 1, 1, 2, 255], 4);
    const { iou, dice, meanIou, meanDice } = iouAndDice(matrix, 4);
    expect(iou.slice(0, 3)).toEqual([0.5, 1 / 3, 0.5]);
    expect(dice.slice(0, 3)).toEqual([2 / 3, 0.5, 2 / 3]);
    expect(iou[3]).toBeNaN();
    expect(dice[3]).toBeNaN();
    expect(meanIou).toBeCloseTo((0.5 + 1 / 3 + 0.5) / 3, 12);
    expect(meanDice).toBeCloseTo((2 / 3 + 0.5 + 2 / 3) / 3, 12);
  });

  it('scores a class predicted but absent from the truth as 0, not NaN', () => {
    const { iou, dice } = iouAndDice(confusionMatrix([1, 1], [0, 0], 2), 2);
    expect(iou).toEqual([0, 0]);
    expect(dice).toEqual([0, 0]);
  });

  it('rejects a matrix of the wrong size', () => {
    expect(() => iouAndDice(new Float64Array(5), 2)).toThrow(ConfusionMeasureError);
  });
});
