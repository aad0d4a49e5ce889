import type { Dataset, Sample } from '@unet/data';
import type { UNet } from '@unet/model';
import { labelsFromProbabilities, segmentImage } from '@unet/inference';
import { createMeasureAccumulator, type EvaluatedImage, type SegmentationMeasures } from '../evaluate/segmentation_measures.js';

export interface ValidationPrediction {
  sample: Sample;
  /** `[height, width]` predicted class ids */
  predicted: Int32Array;
}

export interface ValidationResult {
  measures: SegmentationMeasures;
  predictions: ValidationPrediction[];
  /** Each sample with its probabilities, where keepImages asked for them, to measure again at another threshold. */
  images: Array<EvaluatedImage & { sample: Sample }>;
}

export interface ValidateOptions {
  /** The side of the output tiles inference uses. */
  outputTileSize?: number;
  tta?: boolean;
  /** The class-1 decision threshold of the masks (two classes); absent: the argmax. */
  threshold?: number;
  /** Predictions kept for the preview picture. */
  keepPredictions?: number;
  /** Keep every sample's probabilities in the result (`images`). */
  keepImages?: boolean;
  onImage?: (done: number, total: number) => void;
}

/**
 * Segments every sample of `dataset` as `unet predict` would (whole images, overlap-tile,
 * mirrored borders) and measures the result: validation scores the network as it will be used.
 */
export async function validateModel(model: UNet, dataset: Dataset, options: ValidateOptions = {}): Promise<ValidationResult> {
  const classNames = dataset.classNames;
  const accumulator = createMeasureAccumulator({ classNames, ignoreLabel: dataset.ignoreLabel, threshold: options.threshold });
  const predictions: ValidationPrediction[] = [];
  const images: ValidationResult['images'] = [];
  for (let index = 0; index < dataset.size; index++) {
    const sample = await dataset.get(index);
    const { probabilities, height, width, classes } = await segmentImage(model, sample.image, {
      outputTileSize: options.outputTileSize,
      tta: options.tta,
      // Between tiles, back to the event loop: a queue worker training a fold renews its job's lock.
      onProgress: () => new Promise<void>((resolve) => setImmediate(resolve)),
    });
    const image = { probabilities, height, width, truth: sample.mask.data, instances: sample.instances?.data };
    accumulator.add(image);
    if (options.keepImages) images.push({ ...image, sample });
    if (predictions.length < (options.keepPredictions ?? 0)) {
      predictions.push({
        sample,
        predicted: labelsFromProbabilities(probabilities, height, width, classes, classes === 2 ? { threshold: options.threshold } : {}),
      });
    }
    options.onImage?.(index + 1, dataset.size);
  }
  return { measures: accumulator.result(), predictions, images };
}

/**
 * The flat numbers fit monitors and logs: mean IoU and Dice, and the two-class error measures at
 * their best thresholds (during training the decision threshold is not chosen yet; it is picked
 * from the kept model's validation at the end).
 */
export function flattenMeasures(measures: SegmentationMeasures): Record<string, number> {
  const flat: Record<string, number> = { iou: measures.iou.mean, dice: measures.dice.mean };
  const best = measures.atBestThreshold;
  if (best !== undefined) flat.pixelError = best.pixelError;
  if (best?.randError !== undefined) flat.randError = best.randError;
  if (best?.variationOfInformation !== undefined) flat.variationOfInformation = best.variationOfInformation;
  if (measures.seg !== undefined) flat.seg = measures.seg;
  for (const [name, value] of Object.entries(measures.iou.perClass)) flat[`iou/${name}`] = value;
  return flat;
}
