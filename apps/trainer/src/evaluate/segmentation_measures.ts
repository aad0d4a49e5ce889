import {
  adaptedRandError,
  confusionMatrix,
  iouAndDice,
  labelConnectedComponents,
  pixelError,
  regionsFromBoundaryMap,
  segMeasure,
  variationOfInformation,
} from '@unet/core';
import { labelsFromProbabilities } from '@unet/train';

/**
 * The measures `unet eval` reports, over a whole data set. Class 1 is the foreground of a
 * two-class task; how its regions are formed depends on what it is:
 * - 'boundary' (ISBI membranes): regions are the 4-connected components of "not membrane",
 *   as the ISBI 2012 challenge defines the Rand error and the variation of information;
 * - 'object' (cells): regions are the 4-connected components of the object class, compared with
 *   the true instances (or the components of the true mask where there are none).
 * Pixel error and Rand error take the best threshold of the probability map, as the challenge
 * did; IoU and Dice come from the argmax masks, summed over all images (void pixels ignored).
 */
export type ForegroundKind = 'boundary' | 'object';

export interface EvaluatedImage {
  /** `[height, width, classes]` softmax output */
  probabilities: Float32Array;
  height: number;
  width: number;
  /** `[height, width]` class ids; `ignoreLabel` marks void pixels */
  truth: Int32Array;
  /** `[height, width]` true instance ids, 0 = background */
  instances?: Int32Array;
}

export interface SegmentationMeasures {
  images: number;
  /** Mean over images of 1 - the best pixel F-score (two-class tasks). */
  pixelError?: number;
  /** Mean over images of the foreground-restricted adapted Rand error at the best threshold. */
  randError?: number;
  /** Mean over images of H(S|T) + H(T|S) in nats, at the Rand error's threshold. */
  variationOfInformation?: number;
  iou: { mean: number; perClass: Record<string, number> };
  dice: { mean: number; perClass: Record<string, number> };
  /** Cell Tracking Challenge SEG: mean over all true objects of all images. */
  seg?: number;
}

export interface MeasureOptions {
  classNames: readonly string[];
  ignoreLabel?: number;
  foreground?: ForegroundKind;
  /** Thresholds tried for the region measures (the challenge tried a range and kept the best). */
  regionThresholds?: readonly number[];
}

const defaultRegionThresholds = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/** Guesses the foreground kind from the class names: membranes and borders are boundaries. */
export function foregroundKindOf(classNames: readonly string[]): ForegroundKind {
  return /membrane|boundar|border|edge/i.test(classNames[1] ?? '') ? 'boundary' : 'object';
}

/** One class's probabilities out of `[pixels, classes]`. // [pixels] */
export function classChannel(probabilities: Float32Array, pixels: number, classes: number, index: number): Float32Array {
  const result = new Float32Array(pixels);
  for (let pixel = 0; pixel < pixels; pixel++) result[pixel] = probabilities[pixel * classes + index];
  return result;
}

/** Accumulates images one at a time (so a data set never has to sit in memory) and sums up. */
export function createMeasureAccumulator(options: MeasureOptions) {
  const classes = options.classNames.length;
  const ignoreLabel = options.ignoreLabel ?? 255;
  const foreground = options.foreground ?? foregroundKindOf(options.classNames);
  const thresholds = options.regionThresholds ?? defaultRegionThresholds;
  const confusion = new Float64Array(classes * classes);
  const pixelErrors: number[] = [];
  const randErrors: number[] = [];
  const informations: number[] = [];
  const segScores: number[] = [];
  let images = 0;

  function add(image: EvaluatedImage): { pixelError?: number; randError?: number; seg?: number } {
    const pixels = image.height * image.width;
    if (image.probabilities.length !== pixels * classes || image.truth.length !== pixels) {
      throw new RangeError(`measures: the prediction (${image.probabilities.length / classes} pixels) and the truth (${image.truth.length}) differ in size; expected ${image.height}x${image.width}`);
    }
    images++;
    const predicted = labelsFromProbabilities(image.probabilities, image.height, image.width, classes);
    const matrix = confusionMatrix(predicted, image.truth, classes, ignoreLabel);
    for (let entry = 0; entry < matrix.length; entry++) confusion[entry] += matrix[entry];
    const perImage: { pixelError?: number; randError?: number; seg?: number } = {};
    if (classes !== 2) return perImage;

    const foregroundProbability = classChannel(image.probabilities, pixels, classes, 1);
    // Void pixels take no part: truth 0 with probability 0 cannot change the best F-score much,
    // but to be exact they are dropped from both arrays.
    const keep: number[] = [];
    for (let pixel = 0; pixel < pixels; pixel++) if (image.truth[pixel] !== ignoreLabel) keep.push(pixel);
    const keptProbability = Float32Array.from(keep, (pixel) => foregroundProbability[pixel]);
    const keptTruth = Int32Array.from(keep, (pixel) => image.truth[pixel]);
    perImage.pixelError = pixelError(keptProbability, keptTruth);
    pixelErrors.push(perImage.pixelError);

    const trueRegions =
      foreground === 'boundary'
        ? regionsFromBoundaryMap(image.truth.map((label) => (label === 1 ? 1 : 0)), image.height, image.width, 0.5)
        : image.instances ?? labelConnectedComponents(image.truth.map((label) => (label === 1 ? 1 : 0)), image.height, image.width, 4).labels;
    let bestRand = Number.POSITIVE_INFINITY;
    let bestInformation = Number.NaN;
    for (const threshold of thresholds) {
      const predictedRegions =
        foreground === 'boundary'
          ? regionsFromBoundaryMap(foregroundProbability, image.height, image.width, threshold)
          : labelConnectedComponents(foregroundProbability.map((value) => (value >= threshold ? 1 : 0)), image.height, image.width, 4).labels;
      const rand = adaptedRandError(predictedRegions, trueRegions).error;
      if (rand < bestRand) {
        bestRand = rand;
        bestInformation = variationOfInformation(predictedRegions, trueRegions).total;
      }
    }
    if (Number.isFinite(bestRand)) {
      perImage.randError = bestRand;
      randErrors.push(bestRand);
      informations.push(bestInformation);
    }

    if (image.instances !== undefined && foreground === 'object') {
      const predictedInstances = labelConnectedComponents(predicted.map((label) => (label === 1 ? 1 : 0)), image.height, image.width, 4).labels;
      const result = segMeasure(predictedInstances, image.instances);
      for (const object of result.perObject) segScores.push(object.score);
      if (Number.isFinite(result.seg)) perImage.seg = result.seg;
    }
    return perImage;
  }

  function result(): SegmentationMeasures {
    const mean = (values: number[]) => (values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length);
    const { iou, dice, meanIou, meanDice } = iouAndDice(confusion, classes);
    const named = (values: number[]) => Object.fromEntries(options.classNames.map((name, index) => [name, values[index]]));
    const measures: SegmentationMeasures = {
      images,
      iou: { mean: meanIou, perClass: named(iou) },
      dice: { mean: meanDice, perClass: named(dice) },
    };
    const pixel = mean(pixelErrors);
    if (pixel !== undefined) measures.pixelError = pixel;
    const rand = mean(randErrors);
    if (rand !== undefined) measures.randError = rand;
    const information = mean(informations);
    if (information !== undefined) measures.variationOfInformation = information;
    const seg = mean(segScores);
    if (seg !== undefined) measures.seg = seg;
    return measures;
  }

  return { add, result };
}
