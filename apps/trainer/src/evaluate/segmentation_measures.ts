import {
  DEFAULT_PIXEL_THRESHOLDS,
  type InstanceMethod,
  type PixelCounts,
  bestFScoreOfCounts,
  classChannel,
  confusionMatrix,
  iouAndDice,
  labelConnectedComponents,
  objectInstances,
  pixelCountsPerThreshold,
  regionMeasures,
  regionsFromBoundaryMap,
  segMeasure,
} from '@unet/core';
import { labelsFromProbabilities } from '@unet/inference';

/** The challenge's measures at the one threshold that scores best over the images (ISBI 2012's way). */
export interface BestThresholdMeasures {
  /** 1 - the F-score of the foreground pixels of all images, at the best threshold. */
  pixelError: number;
  /** The FOREGROUND probability threshold of `pixelError` (the cells', for a boundary task). */
  pixelThreshold: number;
  /** Mean over images of the foreground-restricted Rand error, at the best threshold. */
  randError?: number;
  /** The class-1 probability threshold of `randError` (the membranes', for a boundary task). */
  randThreshold?: number;
  /** Mean over images of H(S|T) + H(T|S) in nats, at the Rand error's threshold. */
  variationOfInformation?: number;
}

/**
 * The measures `unet eval` reports, over a whole data set. Class 1 is the foreground of a
 * two-class task; how its regions are formed depends on what it is:
 * - 'boundary' (ISBI membranes): regions are the 4-connected components of "not membrane",
 *   as the ISBI 2012 challenge defines the Rand error and the variation of information;
 * - 'object' (cells): regions are the 4-connected components of the object class, compared with
 *   the true instances (or the components of the true mask where there are none).
 * Pixel error and Rand error follow the ISBI 2012 challenge's own script (Fiji's
 * `PixelError` and `RandError`), so that they stand next to the paper's figures:
 * - the positive class is the FOREGROUND of the challenge's label images (value > 0): the cells,
 *   not the membranes, for a boundary task; the objects for an object task;
 * - ONE threshold for the whole set of images: pixel counts are pooled over the images, the Rand
 *   error is averaged over them, and the threshold that scores best overall is kept;
 * - the Rand error is `isbiRandError`: predicted boundary / background pixels join no region.
 * Those best-threshold figures are `atBestThreshold`. The top-level pixel error, Rand error, VI,
 * IoU and Dice are those of the masks a user gets: class 1 where its probability reaches the
 * model's decision threshold (`threshold`), or the argmax where it has none.
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
  /** The class-1 decision threshold the masks were cut at (two-class tasks); absent: the argmax. */
  threshold?: number;
  /** 1 - the F-score of the foreground pixels of all images' masks (two-class tasks). */
  pixelError?: number;
  /** Mean over images of the foreground-restricted Rand error (`isbiRandError`) of the masks. */
  randError?: number;
  /** Mean over images of H(S|T) + H(T|S) in nats, of the masks. */
  variationOfInformation?: number;
  /** The challenge's figures: the best threshold over all images, for each measure (two-class tasks). */
  atBestThreshold?: BestThresholdMeasures;
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
  /** How SEG's predicted objects are cut out (object tasks): 'seeded' by default. */
  instanceMethod?: InstanceMethod;
  /** The model's decision threshold on class 1's probability (two classes); absent: the argmax. */
  threshold?: number;
}

const defaultRegionThresholds = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/** Guesses the foreground kind from the class names: membranes and borders are boundaries. */
export function foregroundKindOf(classNames: readonly string[]): ForegroundKind {
  return /membrane|boundar|border|edge/i.test(classNames[1] ?? '') ? 'boundary' : 'object';
}

/** What `add` reports of one image, each at that image's own best threshold (for progress lines). */
export interface PerImageMeasures {
  pixelError?: number;
  randError?: number;
  seg?: number;
}

/**
 * What an accumulator holds, as JSON: counts, and per-image values in the order the images came
 * (a value that is not finite, a Rand error of an image without regions, is null). Images measured
 * apart (queue jobs, `unet eval --queue`) merge into the same result as measured in one process.
 */
export interface MeasureState {
  images: number;
  twoClassImages: number;
  confusion: number[];
  pixelCounts: PixelCounts[];
  randErrors: Array<Array<number | null>>;
  informations: Array<Array<number | null>>;
  segScores: Array<number | null>;
  maskCounts: PixelCounts;
  maskRandErrors: Array<number | null>;
  maskInformations: Array<number | null>;
}

const toJson = (values: readonly number[]) => values.map((value) => (Number.isFinite(value) ? value : null));
const fromJson = (values: ReadonlyArray<number | null>) => values.map((value) => value ?? Number.NaN);

/** Accumulates images one at a time (so a data set never has to sit in memory) and sums up. */
export function createMeasureAccumulator(options: MeasureOptions) {
  const classes = options.classNames.length;
  const ignoreLabel = options.ignoreLabel ?? 255;
  const foreground = options.foreground ?? foregroundKindOf(options.classNames);
  const regionThresholds = options.regionThresholds ?? defaultRegionThresholds;
  const pixelThresholds = DEFAULT_PIXEL_THRESHOLDS;
  const confusion = new Float64Array(classes * classes);
  const pixelCounts: PixelCounts[] = pixelThresholds.map(() => ({ truePositives: 0, falsePositives: 0, falseNegatives: 0 }));
  // Per region threshold, the per-image Rand errors and VIs, to pick one threshold at the end.
  const randErrors: number[][] = regionThresholds.map(() => []);
  const informations: number[][] = regionThresholds.map(() => []);
  const segScores: number[] = [];
  // The masks' own pixel counts, Rand errors and VIs (at the model's threshold).
  const maskCounts: PixelCounts = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };
  const maskRandErrors: number[] = [];
  const maskInformations: number[] = [];
  // A threshold decides between two classes; more take the argmax.
  const threshold = classes === 2 ? options.threshold : undefined;
  let twoClassImages = 0;
  let images = 0;

  function add(image: EvaluatedImage): PerImageMeasures {
    const pixels = image.height * image.width;
    if (image.probabilities.length !== pixels * classes || image.truth.length !== pixels) {
      throw new RangeError(
        `measures: the prediction (${image.probabilities.length / classes} pixels) and the truth (${image.truth.length}) differ in size; expected ${image.height}x${image.width}`,
      );
    }
    images++;
    const predicted = labelsFromProbabilities(image.probabilities, image.height, image.width, classes, { threshold });
    const matrix = confusionMatrix(predicted, image.truth, classes, ignoreLabel);
    for (let entry = 0; entry < matrix.length; entry++) confusion[entry] += matrix[entry];
    const perImage: PerImageMeasures = {};
    if (classes !== 2) return perImage;
    twoClassImages++;

    const classOneProbability = classChannel(image.probabilities, pixels, classes, 1);
    // The challenge's positive pixels are its labels' foreground: for membranes, the cells.
    const positiveIsClassOne = foreground === 'object';
    const keep: number[] = [];
    for (let pixel = 0; pixel < pixels; pixel++) if (image.truth[pixel] !== ignoreLabel) keep.push(pixel);
    const keptProbability = Float32Array.from(keep, (pixel) =>
      positiveIsClassOne ? classOneProbability[pixel] : 1 - classOneProbability[pixel],
    );
    const keptTruth = Int32Array.from(keep, (pixel) => ((image.truth[pixel] === 1) === positiveIsClassOne ? 1 : 0));
    const counts = pixelCountsPerThreshold(keptProbability, keptTruth, pixelThresholds);
    counts.forEach((count, index) => {
      pixelCounts[index].truePositives += count.truePositives;
      pixelCounts[index].falsePositives += count.falsePositives;
      pixelCounts[index].falseNegatives += count.falseNegatives;
    });
    perImage.pixelError = 1 - bestFScoreOfCounts(counts, pixelThresholds).fScore;
    const positiveClass = positiveIsClassOne ? 1 : 0;
    for (const pixel of keep) {
      const predictedPositive = predicted[pixel] === positiveClass;
      const truePositive = (image.truth[pixel] === 1) === positiveIsClassOne;
      if (predictedPositive && truePositive) maskCounts.truePositives++;
      else if (predictedPositive) maskCounts.falsePositives++;
      else if (truePositive) maskCounts.falseNegatives++;
    }

    const trueRegions =
      foreground === 'boundary'
        ? regionsFromBoundaryMap(
            image.truth.map((label) => (label === 1 ? 1 : 0)),
            image.height,
            image.width,
            0.5,
          )
        : (image.instances ??
          labelConnectedComponents(
            image.truth.map((label) => (label === 1 ? 1 : 0)),
            image.height,
            image.width,
            4,
          ).labels);
    let bestRand = Number.POSITIVE_INFINITY;
    regionThresholds.forEach((threshold, index) => {
      const predictedRegions =
        foreground === 'boundary'
          ? regionsFromBoundaryMap(classOneProbability, image.height, image.width, threshold)
          : labelConnectedComponents(
              classOneProbability.map((value) => (value >= threshold ? 1 : 0)),
              image.height,
              image.width,
              4,
            ).labels;
      const measured = regionMeasures(predictedRegions, trueRegions);
      const rand = measured.randError.error;
      randErrors[index].push(rand);
      informations[index].push(measured.variationOfInformation.total);
      if (rand < bestRand) bestRand = rand;
    });
    if (Number.isFinite(bestRand)) perImage.randError = bestRand;
    // The mask's own regions: class 1 is the boundary (or the objects) exactly where the mask says.
    const classOneMask = Uint8Array.from(predicted, (label) => (label === 1 ? 1 : 0));
    const maskRegions =
      foreground === 'boundary'
        ? regionsFromBoundaryMap(classOneMask, image.height, image.width, 0.5)
        : labelConnectedComponents(classOneMask, image.height, image.width, 4).labels;
    const maskMeasured = regionMeasures(maskRegions, trueRegions);
    maskRandErrors.push(maskMeasured.randError.error);
    maskInformations.push(maskMeasured.variationOfInformation.total);

    if (image.instances !== undefined && foreground === 'object') {
      const predictedInstances = objectInstances(classOneProbability, image.height, image.width, options.instanceMethod ?? 'seeded');
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
      ...(threshold === undefined ? {} : { threshold }),
      iou: { mean: meanIou, perClass: named(iou) },
      dice: { mean: meanDice, perClass: named(dice) },
    };
    if (twoClassImages > 0) {
      const { truePositives, falsePositives, falseNegatives } = maskCounts;
      const fScore = truePositives === 0 ? 0 : (2 * truePositives) / (2 * truePositives + falsePositives + falseNegatives);
      measures.pixelError = 1 - fScore;
      const maskRand = mean(maskRandErrors.filter(Number.isFinite));
      if (maskRand !== undefined) {
        measures.randError = maskRand;
        measures.variationOfInformation = mean(maskInformations);
      }
      const best = bestFScoreOfCounts(pixelCounts, pixelThresholds);
      const atBest: BestThresholdMeasures = { pixelError: 1 - best.fScore, pixelThreshold: best.threshold };
      let bestIndex = -1;
      let bestRand = Number.POSITIVE_INFINITY;
      randErrors.forEach((values, index) => {
        const rand = mean(values.filter(Number.isFinite));
        if (rand !== undefined && rand < bestRand) {
          bestRand = rand;
          bestIndex = index;
        }
      });
      if (bestIndex >= 0) {
        atBest.randError = bestRand;
        atBest.randThreshold = regionThresholds[bestIndex];
        atBest.variationOfInformation = mean(informations[bestIndex]);
      }
      measures.atBestThreshold = atBest;
    }
    const seg = mean(segScores);
    if (seg !== undefined) measures.seg = seg;
    return measures;
  }

  /** The counts and per-image values so far. */
  function state(): MeasureState {
    return {
      images,
      twoClassImages,
      confusion: Array.from(confusion),
      pixelCounts: pixelCounts.map((counts) => ({ ...counts })),
      randErrors: randErrors.map(toJson),
      informations: informations.map(toJson),
      segScores: toJson(segScores),
      maskCounts: { ...maskCounts },
      maskRandErrors: toJson(maskRandErrors),
      maskInformations: toJson(maskInformations),
    };
  }

  /** Adds the images of another accumulator's state (same options), after those added so far. */
  function merge(other: MeasureState): void {
    if (
      other.confusion.length !== confusion.length ||
      other.randErrors.length !== randErrors.length ||
      other.pixelCounts.length !== pixelCounts.length
    ) {
      throw new RangeError(
        `measures: a state of ${Math.sqrt(other.confusion.length)} classes and ${other.randErrors.length} region thresholds cannot merge into one of ${classes} and ${randErrors.length}`,
      );
    }
    images += other.images;
    twoClassImages += other.twoClassImages;
    for (let entry = 0; entry < confusion.length; entry++) confusion[entry] += other.confusion[entry];
    other.pixelCounts.forEach((counts, index) => {
      pixelCounts[index].truePositives += counts.truePositives;
      pixelCounts[index].falsePositives += counts.falsePositives;
      pixelCounts[index].falseNegatives += counts.falseNegatives;
    });
    other.randErrors.forEach((values, index) => {
      randErrors[index].push(...fromJson(values));
    });
    other.informations.forEach((values, index) => {
      informations[index].push(...fromJson(values));
    });
    segScores.push(...fromJson(other.segScores));
    maskCounts.truePositives += other.maskCounts.truePositives;
    maskCounts.falsePositives += other.maskCounts.falsePositives;
    maskCounts.falseNegatives += other.maskCounts.falseNegatives;
    maskRandErrors.push(...fromJson(other.maskRandErrors));
    maskInformations.push(...fromJson(other.maskInformations));
  }

  return { add, result, state, merge };
}

/**
 * The measures of images already segmented: what measuring them again costs when only the
 * decision threshold changes (eval --pick-threshold, the end of unet train), instead of
 * segmenting them again.
 */
export function measureImages(images: readonly EvaluatedImage[], options: MeasureOptions): SegmentationMeasures {
  const accumulator = createMeasureAccumulator(options);
  for (const image of images) accumulator.add(image);
  return accumulator.result();
}
