/**
 * Per-class IoU (Jaccard) and Dice from a confusion matrix, with a void label left out.
 *
 * The VOC void label 255 marks object borders whose class is uncertain; it must be skipped, not
 * counted as a class or a mistake (REFERENCE.md, "What users of the peers keep asking for", 2).
 * Label images are flat, row-major [height, width] arrays of class ids.
 */

/** Label arrays that cannot be compared: different lengths, or a class id outside the range. */
export class ConfusionMeasureError extends Error {
  override readonly name = 'ConfusionMeasureError';

  constructor(message: string) {
    super(message);
  }
}

/** IoU and Dice per class; NaN for a class absent from both truth and prediction. */
export interface IouAndDice {
  iou: number[];
  dice: number[];
  /** Mean over the classes whose IoU is not NaN; NaN when every class is absent. */
  meanIou: number;
  /** Mean over the classes whose Dice is not NaN; NaN when every class is absent. */
  meanDice: number;
}

/**
 * The confusion matrix of a labelling: entry [truth * classes + predicted] counts the pixels
 * whose true class is `truth` and predicted class is `predicted` (row = truth, column =
 * prediction). Pixels whose truth is `ignoreLabel` are skipped whatever their prediction.
 *
 * @param predicted // [height, width] class ids in [0, classes)
 * @param truth // [height, width] class ids in [0, classes), or ignoreLabel
 * @returns // [classes, classes], row = truth
 */
export function confusionMatrix(predicted: ArrayLike<number>, truth: ArrayLike<number>, classes: number, ignoreLabel = 255): Float64Array {
  if (!Number.isInteger(classes) || classes < 1) {
    throw new ConfusionMeasureError(`confusion_measures: a class count of ${classes} is not a count: pass a whole number, at least 1`);
  }
  if (predicted.length !== truth.length) {
    throw new ConfusionMeasureError(
      `confusion_measures: the prediction has ${predicted.length} pixels and the truth ${truth.length}: ` +
        'pass two label images of the same height and width',
    );
  }
  const matrix = new Float64Array(classes * classes);
  for (let index = 0; index < truth.length; index++) {
    const trueClass = truth[index]!;
    if (trueClass === ignoreLabel) continue;
    const predictedClass = predicted[index]!;
    if (!isClass(trueClass, classes)) {
      throw new ConfusionMeasureError(
        `confusion_measures: the true class ${trueClass} at pixel ${index} is outside [0, ${classes}) ` +
          `and is not the ignore label ${ignoreLabel}: map the mask's values to class ids first ` +
          '(a 0/255 mask is classes 0 and 1), or pass the right class count or ignore label',
      );
    }
    if (!isClass(predictedClass, classes)) {
      throw new ConfusionMeasureError(
        `confusion_measures: the predicted class ${predictedClass} at pixel ${index} is outside [0, ${classes}): ` +
          'pass the argmax over the class channels, and the class count the network was built with',
      );
    }
    matrix[trueClass * classes + predictedClass]! += 1;
  }
  return matrix;
}

/**
 * IoU = TP / (TP + FP + FN) and Dice = 2 TP / (2 TP + FP + FN) of each class of a confusion
 * matrix made by `confusionMatrix`. A class that neither the truth nor the prediction contains
 * has no score (NaN) and is left out of the means, so that an image without, say, a bicycle
 * does not lower or raise the mean for the bicycle class it never showed.
 *
 * @param matrix // [classes, classes], row = truth
 */
export function iouAndDice(matrix: ArrayLike<number>, classes: number): IouAndDice {
  if (!Number.isInteger(classes) || classes < 1 || matrix.length !== classes * classes) {
    throw new ConfusionMeasureError(
      `confusion_measures: a matrix of ${matrix.length} entries is not ${classes} x ${classes}: ` +
        'pass the matrix from confusionMatrix with the same class count',
    );
  }
  const iou: number[] = [];
  const dice: number[] = [];
  for (let classId = 0; classId < classes; classId++) {
    let trueCount = 0;
    let predictedCount = 0;
    for (let other = 0; other < classes; other++) {
      trueCount += matrix[classId * classes + other]!;
      predictedCount += matrix[other * classes + classId]!;
    }
    const truePositives = matrix[classId * classes + classId]!;
    const falseNegatives = trueCount - truePositives;
    const falsePositives = predictedCount - truePositives;
    if (trueCount === 0 && predictedCount === 0) {
      iou.push(Number.NaN);
      dice.push(Number.NaN);
      continue;
    }
    iou.push(truePositives / (truePositives + falsePositives + falseNegatives));
    dice.push((2 * truePositives) / (2 * truePositives + falsePositives + falseNegatives));
  }
  return { iou, dice, meanIou: meanOfNumbers(iou), meanDice: meanOfNumbers(dice) };
}

function isClass(value: number, classes: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < classes;
}

function meanOfNumbers(values: number[]): number {
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (Number.isNaN(value)) continue;
    sum += value;
    count++;
  }
  return count === 0 ? Number.NaN : sum / count;
}
