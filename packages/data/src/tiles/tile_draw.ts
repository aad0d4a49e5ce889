/**
 * The random part of a training tile: where it is cropped and the augmentation's draw, from the
 * tile's own random stream, before any pixel is touched. extractTrainingTile resamples the tile
 * on the CPU from it; a GPU pipeline (@unet/backend-webgpu's augmentTile) resamples it there from
 * the same draw, so that both make the same tile for the same (seed, step, slot).
 */
import { type AugmentationDraw, drawAugmentation, drawGeometry, type ResolvedAugmentation } from '../augment/augmentation.js';
import type { Geometry } from '../augment/sampling_map.js';
import type { Random } from '../random.js';

export interface TileDraw {
  /** Where the output tile's top-left pixel was cropped from, before the augmentation's geometry. */
  outputTop: number;
  outputLeft: number;
  /** Every random choice of the augmentation (its gray-value change among them). */
  draw: AugmentationDraw;
  /** The draw's geometry, centred on the output tile: the sampling map over the input tile is createSamplingMap(geometry, inputSize, inputSize). */
  geometry: Geometry;
}

/** Where the output tile starts along an axis: uniform over the image, or centred when the image is smaller. */
function cropStart(random: Random, imageSize: number, tileSize: number): number {
  return imageSize >= tileSize ? random.integer(0, imageSize - tileSize + 1) : Math.floor((imageSize - tileSize) / 2);
}

/**
 * Draws the crop and the augmentation of one tile of an `imageHeight` x `imageWidth` sample.
 * The crop comes from random.fork('crop'), the augmentation from random.fork('augmentation').
 */
export function drawTrainingTile(
  imageHeight: number,
  imageWidth: number,
  random: Random,
  outputSize: number,
  augmentation: ResolvedAugmentation,
): TileDraw {
  const cropRandom = random.fork('crop');
  const outputTop = cropStart(cropRandom, imageHeight, outputSize);
  const outputLeft = cropStart(cropRandom, imageWidth, outputSize);
  const draw = drawAugmentation(random.fork('augmentation'), augmentation);
  // The input tile's centre is the output tile's centre: outputTop + (outputSize - 1) / 2.
  const geometry = drawGeometry(draw, outputTop + (outputSize - 1) / 2, outputLeft + (outputSize - 1) / 2);
  return { outputTop, outputLeft, draw, geometry };
}
