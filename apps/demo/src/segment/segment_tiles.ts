import * as tf from '@tensorflow/tfjs-core';
import { createStitcher, extractTile } from '@unet/core';
import type { UNet } from '@unet/model';
import { labelsFromProbabilities, planAlignedTiles, tileSizes } from '@unet/train';

/** An image as the network takes it // [height, width, channels], values in [0, 1]. */
export interface NetworkImage {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

export interface SegmentTilesOptions {
  /**
   * The side of the output tile asked for, as segmentImage's `outputTileSize`; `unet predict`
   * passes the tile the model was trained with (see inferenceTileOf). Default: 388 for an
   * unpadded network, 256 for a padded one, never much more than the image.
   */
  outputTileSize?: number;
  /** Called after each tile; the bar on the page. */
  onProgress?: (tilesDone: number, tiles: number) => void;
  /**
   * Awaited between tiles so that the page repaints and takes clicks: tf.nextFrame in the
   * browser. The wasm and cpu backends compute a tile synchronously, so without it the page
   * would freeze for the whole image.
   */
  yieldBetweenTiles?: () => Promise<void>;
}

export interface Segmentation {
  /** Class probabilities // [height, width, classes] */
  probabilities: Float32Array;
  /** The most probable class of each pixel // [height, width] */
  labels: Int32Array;
  height: number;
  width: number;
  classes: number;
  tiles: number;
}

/**
 * The output tile a model saved by `unet train` was trained with (its metadata's `inferenceTile`
 * or `tile.outputSize`), which `unet predict` segments with; undefined for other models.
 */
export function inferenceTileOf(metadata: Record<string, unknown>): number | undefined {
  const { inferenceTile, tile } = metadata as { inferenceTile?: unknown; tile?: { outputSize?: unknown } };
  const size = inferenceTile ?? tile?.outputSize;
  return Number.isInteger(size) && (size as number) > 0 ? (size as number) : undefined;
}

/**
 * Overlap-tile segmentation, one tile at a time with a pause between tiles. It follows
 * @unet/train's segmentImage without test-time augmentation or blending: the same tile sizes
 * (tileSizes), the same tiles on the 2^depth grid (planAlignedTiles), mirrored context
 * (extractTile) and each pixel from the one tile that owns it (createStitcher). It exists because
 * segmentImage cannot pause between tiles; the browser test checks that both give the same mask.
 */
export async function segmentTiles(model: UNet, image: NetworkImage, options: SegmentTilesOptions = {}): Promise<Segmentation> {
  const { data, height, width, channels } = image;
  const classes = model.config.classes;
  const defaultTile = model.config.padding === 'valid' ? 388 : 256;
  const requested = options.outputTileSize ?? Math.min(defaultTile, Math.max(height, width));
  // As segmentImage: along an axis shorter than the tile, the tile shrinks to the image.
  const alongRows = tileSizes(model, Math.min(requested, height));
  const alongColumns = tileSizes(model, Math.min(requested, width));
  // Tile origins on the 2^depth grid (an unpadded net's 388-pixel output tile is not a multiple of 16).
  const strideOf = (outputTileSize: number) =>
    Math.max(alongRows.alignment, Math.floor(outputTileSize / alongRows.alignment) * alongRows.alignment);
  const tiles = planAlignedTiles({
    imageHeight: height,
    imageWidth: width,
    inputTileSize: alongRows.inputTileSize,
    outputTileSize: alongRows.outputTileSize,
    stride: strideOf(alongRows.outputTileSize),
    inputTileWidth: alongColumns.inputTileSize,
    outputTileWidth: alongColumns.outputTileSize,
    strideWidth: strideOf(alongColumns.outputTileSize),
    mode: 'partition',
  });
  const inputShape: [number, number, number, number] = [1, alongRows.inputTileSize, alongColumns.inputTileSize, channels];
  const [outputHeight, outputWidth] = [alongRows.outputTileSize, alongColumns.outputTileSize];
  const stitcher = createStitcher(height, width, classes);
  for (const [index, tile] of tiles.entries()) {
    const output = tf.tidy(() => {
      const x = tf.tensor4d(extractTile(data, height, width, channels, tile), inputShape);
      const logits = model.apply(x, { training: false });
      const probabilities = classes === 1 ? tf.sigmoid(logits) : tf.softmax(logits);
      // A padded network returns the whole input tile: keep the output tile inside its context.
      const extraRows = (probabilities.shape[1] - outputHeight) / 2;
      const extraColumns = (probabilities.shape[2] - outputWidth) / 2;
      return extraRows === 0 && extraColumns === 0
        ? probabilities
        : tf.slice(probabilities, [0, extraRows, extraColumns, 0], [-1, outputHeight, outputWidth, -1]);
    });
    try {
      stitcher.add(tile, (await output.data()) as Float32Array);
    } finally {
      output.dispose();
    }
    options.onProgress?.(index + 1, tiles.length);
    await options.yieldBetweenTiles?.();
  }
  const probabilities = stitcher.result();
  return {
    probabilities,
    labels: labelsFromProbabilities(probabilities, height, width, classes),
    height,
    width,
    classes,
    tiles: tiles.length,
  };
}
