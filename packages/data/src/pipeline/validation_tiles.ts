/**
 * Whole images for validation, cut into the overlap tiles that inference uses (core's planTiles:
 * output tiles edge to edge, mirrored context), so that validation scores the network exactly as
 * it will be used. Each image gives one TrainingBatch of all its tiles, in which `weights` marks
 * with 1 the pixels that the tile contributes to the stitched image and with 0 the rest (pixels a
 * neighbouring tile already covers, mirrored pixels of an image smaller than a tile, ignore
 * pixels): a loss or a count weighted by it covers every pixel of the image exactly once.
 */
import { type Tile, type TrainingBatch, extractTile, planTiles } from '@unet/core';
import type { Dataset, Sample } from '../sample.js';
import { tileMargin } from '../tiles/training_tile.js';

export interface ValidationTilesOptions {
  inputSize: number;
  outputSize: number;
}

/** One validation image: its sample, its tile plan, and the batch of its tiles. */
export interface ValidationImage {
  sample: Sample;
  /** The plan, in batch order; feed it with the network's outputs to core's createStitcher. */
  tiles: Tile[];
  batch: TrainingBatch;
}

/** The tiles of one sample; see the file comment. */
export function validationImage(sample: Sample, options: ValidationTilesOptions, ignoreLabel?: number): ValidationImage {
  const { inputSize, outputSize } = options;
  const margin = tileMargin(inputSize, outputSize);
  const { height, width, channels } = sample.image;
  const tiles = planTiles({
    imageHeight: height,
    imageWidth: width,
    inputTileHeight: inputSize,
    inputTileWidth: inputSize,
    outputTileHeight: outputSize,
    outputTileWidth: outputSize,
  });
  const inputValues = inputSize * inputSize * channels;
  const outputPixels = outputSize * outputSize;
  const images = new Float32Array(tiles.length * inputValues);
  const masks = new Int32Array(tiles.length * outputPixels);
  const weights = new Float32Array(tiles.length * outputPixels);
  tiles.forEach((tile, index) => {
    images.set(extractTile(sample.image.data, height, width, channels, tile), index * inputValues);
    const outputWindow = {
      input: { top: tile.input.top + margin, left: tile.input.left + margin, height: outputSize, width: outputSize },
    };
    const mask = extractTile(sample.mask.data, height, width, 1, outputWindow);
    masks.set(mask, index * outputPixels);
    const { crop } = tile;
    for (let row = crop.top; row < crop.top + crop.height; row++) {
      for (let column = crop.left; column < crop.left + crop.width; column++) {
        const i = row * outputSize + column;
        weights[index * outputPixels + i] = mask[i] === ignoreLabel ? 0 : 1;
      }
    }
  });
  return {
    sample,
    tiles,
    batch: {
      batchSize: tiles.length,
      inputHeight: inputSize,
      inputWidth: inputSize,
      channels,
      outputHeight: outputSize,
      outputWidth: outputSize,
      images,
      masks,
      weights,
    },
  };
}

/** Every image of the data set, in index order, as validationImage gives it. */
export async function* validationTiles(dataset: Dataset, options: ValidationTilesOptions): AsyncGenerator<ValidationImage> {
  tileMargin(options.inputSize, options.outputSize);
  for (let index = 0; index < dataset.size; index++) {
    yield validationImage(await dataset.get(index), options, dataset.ignoreLabel);
  }
}
