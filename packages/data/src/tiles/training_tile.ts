/**
 * One training tile: a random crop of a sample, sized for the network, deformed by one draw of
 * the augmentation, with the missing context beyond the image's border mirrored.
 *
 * For an unpadded network the input tile is larger than the output tile ((inputSize -
 * outputSize) / 2 = 92 px of context per side for the paper's depth-4 net: 252 -> 68, 572 -> 388);
 * the mask and weights cover the output tile, the centre of the input tile. For a padded ('same')
 * network both are the same size. Image, mask and weights come from one sampling map over the
 * input tile (see augment/sampling_map.ts), so they line up exactly; the elastic grid spans the
 * input tile.
 */
import type { ResolvedAugmentation } from '../augment/augmentation.js';
import { applyGrayValueChange } from '../augment/gray_value.js';
import { resampleFloat, resampleImage, resampleLabels } from '../augment/interpolate.js';
import { createSamplingMap, cropSamplingMap } from '../augment/sampling_map.js';
import type { Random } from '../random.js';
import type { Sample } from '../sample.js';
import { drawTrainingTile } from './tile_draw.js';
import { TrainingTileError } from './tile_error.js';

export interface TrainingTileOptions {
  /** Side of the network's input tile, in pixels. */
  inputSize: number;
  /** Side of the network's output tile; inputSize - outputSize must be even and >= 0. */
  outputSize: number;
  augmentation: ResolvedAugmentation;
  /** Pixels of this label keep it in the mask and get weight 0. */
  ignoreLabel?: number;
}

export interface TrainingTile {
  /** [inputSize, inputSize, channels] */
  image: Float32Array;
  /** [outputSize, outputSize] */
  mask: Int32Array;
  /** [outputSize, outputSize]; present when weights were given. */
  weights?: Float32Array;
  /** Where the output tile's top-left pixel was cropped from, before the augmentation's geometry. */
  outputTop: number;
  outputLeft: number;
}

/** Checks the tile sizes and returns the context margin on each side. */
export function tileMargin(inputSize: number, outputSize: number): number {
  if (
    !Number.isInteger(inputSize) ||
    !Number.isInteger(outputSize) ||
    outputSize < 1 ||
    inputSize < outputSize ||
    (inputSize - outputSize) % 2 !== 0
  ) {
    throw new TrainingTileError(
      `training_tile.ts: an input tile of ${inputSize} and an output tile of ${outputSize} px do not fit a U-Net: the input must be at least the output and differ from it by an even number (unpadded depth 4: input = output + 184, e.g. 252 and 68; padded: equal).`,
    );
  }
  return (inputSize - outputSize) / 2;
}

/**
 * @param weights // [height, width] of the sample, e.g. sampleWeightMap's; absent for an unweighted loss
 */
export function extractTrainingTile(
  sample: Sample,
  weights: Float32Array | undefined,
  random: Random,
  options: TrainingTileOptions,
): TrainingTile {
  const { inputSize, outputSize, augmentation, ignoreLabel } = options;
  const margin = tileMargin(inputSize, outputSize);
  const { height, width } = sample.image;
  if (sample.mask.height !== height || sample.mask.width !== width) {
    throw new TrainingTileError(
      `training_tile.ts: sample '${sample.id}' has a ${height} x ${width} image but a ${sample.mask.height} x ${sample.mask.width} mask; the mask must have the image's size.`,
    );
  }
  const { outputTop, outputLeft, draw, geometry } = drawTrainingTile(height, width, random, outputSize, augmentation);
  const inputMap = createSamplingMap(geometry, inputSize, inputSize);
  const image = applyGrayValueChange(resampleImage(sample.image, inputMap, augmentation.interpolation), draw.grayValue);
  const outputMap = margin === 0 ? inputMap : cropSamplingMap(inputMap, margin, margin, outputSize, outputSize);
  const mask = resampleLabels(sample.mask, outputMap).data;
  let tileWeights: Float32Array | undefined;
  if (weights) {
    if (weights.length !== height * width) {
      throw new TrainingTileError(
        `training_tile.ts: the weight map of sample '${sample.id}' has ${weights.length} values, not ${height} x ${width}; pass it as [height, width].`,
      );
    }
    tileWeights = resampleFloat(weights, height, width, 1, outputMap, augmentation.weightInterpolation);
    if (ignoreLabel !== undefined) for (let i = 0; i < mask.length; i++) if (mask[i] === ignoreLabel) tileWeights[i] = 0;
  }
  return { image: image.data, mask, weights: tileWeights, outputTop, outputLeft };
}
