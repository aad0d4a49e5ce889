import { type ImageArray, type Tile, createStitcher, extractTile } from '@unet/core';
import type { UNet } from '@unet/model';
import { SegmentImageError } from './errors.js';
import { gaussianWindow2d } from './gaussian_window.js';
import { planImageTiles } from './image_tile_plan.js';
import { type NetworkGeometry, type TileNetwork, asTileNetwork } from './tile_network.js';

export interface SegmentImageOptions {
  /**
   * The side of the square output tile asked for; it is rounded up to one the network can
   * return (see `tileSizes`). Default: 388 (the paper's) for an unpadded network, 256 for a
   * padded one; never much more than the image.
   */
  outputTileSize?: number;
  /**
   * For a padded network: context added on each side of the output tile (rounded up to a
   * multiple of 2^depth), whose predictions are dropped, because a padded network is worst
   * near its zero-padded borders. Default 4 * 2^depth (64 for depth 4: measured on a 1000x1500 image, 32 left 1.8% of
   * probabilities more than 0.1 away from the untiled ones, 64 far fewer); at least the receptive
   * field's radius (8 * 2^depth - 6) makes the tiled result equal the untiled one. An
   * unpadded network gets its margin from its size loss, like the paper's 92 pixels.
   */
  contextMargin?: number;
  /** Tiles per forward pass: 1. Only one batch of tiles is held in tensors at a time. */
  batchSize?: number;
  /** Average the predictions of the 8 flips and quarter turns of each tile (8 times the work). */
  tta?: boolean;
  /**
   * 'none': tiles side by side, each pixel from one tile (the paper's seamless tiling);
   * 'gaussian': tiles overlapping by `overlap`, averaged with Gaussian weights (nnU-Net's).
   */
  blend?: 'none' | 'gaussian';
  /** For 'gaussian': the fraction of a tile that overlaps the next: 0.5. */
  overlap?: number;
  /**
   * Called after each batch of tiles, and awaited: a page can repaint and take clicks there
   * (tf.nextFrame), since the wasm and cpu backends compute a tile synchronously.
   */
  onProgress?: (progress: { tilesDone: number; tiles: number }) => void | Promise<void>;
}

export interface SegmentationResult {
  /** Class probabilities (softmax; sigmoid of class 1 for a 1-class head) // [height, width, classes] */
  probabilities: Float32Array;
  height: number;
  width: number;
  classes: number;
}

/**
 * Segments an image of any size with the overlap-tile strategy (Ronneberger et al. 2015,
 * fig. 2): input tiles (square, or cut to the image along a shorter axis) with mirrored context beyond the image's border, predicted a
 * batch of tiles at a time (memory is bounded by the tile, not the image), and stitched.
 * Tile origins lie on a grid of 2^depth pixels (see planAlignedTiles), so that the result is
 * the one the network would give for the whole mirror-extended image at once.
 */
export async function segmentImage(
  network: UNet | TileNetwork,
  image: ImageArray,
  options: SegmentImageOptions = {},
): Promise<SegmentationResult> {
  const { height, width, channels, data } = image;
  const tileNetwork = asTileNetwork(network);
  const geometry = tileNetwork.geometry;
  const classes = geometry.classes;
  checkImage(geometry, image);
  const blend = options.blend ?? 'none';
  const batchSize = options.batchSize ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new SegmentImageError(`segmentImage: batchSize must be a whole number, at least 1, got ${batchSize}`);
  }
  if (blend !== 'none' && blend !== 'gaussian') {
    throw new SegmentImageError(`segmentImage: blend must be 'none' or 'gaussian', got ${JSON.stringify(blend)}`);
  }
  const overlap = options.overlap ?? 0.5;
  if (!(overlap >= 0 && overlap < 1)) {
    throw new SegmentImageError(`segmentImage: overlap must lie in [0, 1), got ${overlap}`);
  }
  const { tiles, inputTileHeight, inputTileWidth, outputTileHeight, outputTileWidth } = planImageTiles(geometry, height, width, {
    outputTileSize: options.outputTileSize,
    contextMargin: options.contextMargin,
    blend,
    overlap,
  });

  const sink =
    blend === 'none' ? partitionSink(height, width, classes) : gaussianSink(height, width, classes, outputTileHeight, outputTileWidth);
  const tileValues = inputTileHeight * inputTileWidth * channels;
  const outputValues = outputTileHeight * outputTileWidth * classes;
  for (let first = 0; first < tiles.length; first += batchSize) {
    const batch = tiles.slice(first, first + batchSize);
    const input = new Float32Array(batch.length * tileValues);
    for (const [index, tile] of batch.entries()) {
      input.set(extractTile(data, height, width, channels, tile), index * tileValues);
    }
    const values = await tileNetwork.predictTiles(
      input,
      {
        tiles: batch.length,
        inputHeight: inputTileHeight,
        inputWidth: inputTileWidth,
        outputHeight: outputTileHeight,
        outputWidth: outputTileWidth,
      },
      { tta: options.tta ?? false },
    );
    if (values.length !== batch.length * outputValues) {
      throw new SegmentImageError(
        `segmentImage: the network returned ${values.length} values for ${batch.length} tile(s), not ${batch.length} * ` +
          `${outputTileHeight} * ${outputTileWidth} * ${classes}: its predictTiles must return [tiles, outputHeight, outputWidth, classes]`,
      );
    }
    for (const [index, tile] of batch.entries()) {
      sink.add(tile, values.subarray(index * outputValues, (index + 1) * outputValues));
    }
    await options.onProgress?.({ tilesDone: first + batch.length, tiles: tiles.length });
  }
  return { probabilities: sink.result(), height, width, classes };
}

interface Sink {
  add(tile: Tile, values: Float32Array): void;
  result(): Float32Array;
}

/** Each pixel from the one tile that owns it: @unet/core's stitcher. */
function partitionSink(height: number, width: number, classes: number): Sink {
  const stitcher = createStitcher(height, width, classes);
  return { add: (tile, values) => stitcher.add(tile, values), result: () => stitcher.result() };
}

/** A Gaussian-weighted mean of the tiles that see each pixel. */
function gaussianSink(height: number, width: number, classes: number, tileHeight: number, tileWidth: number): Sink {
  const window = gaussianWindow2d(tileHeight, tileWidth);
  const sums = new Float32Array(height * width * classes);
  const weights = new Float32Array(height * width);
  return {
    add(tile, values) {
      const { output } = tile;
      for (let row = 0; row < output.height; row++) {
        for (let column = 0; column < output.width; column++) {
          const weight = window[row * tileWidth + column];
          const pixel = (output.top + row) * width + output.left + column;
          const source = (row * tileWidth + column) * classes;
          weights[pixel] += weight;
          for (let c = 0; c < classes; c++) sums[pixel * classes + c] += weight * values[source + c];
        }
      }
    },
    result() {
      for (let pixel = 0; pixel < weights.length; pixel++) {
        for (let c = 0; c < classes; c++) sums[pixel * classes + c] /= weights[pixel];
      }
      return sums;
    },
  };
}

function checkImage(geometry: NetworkGeometry, image: ImageArray): void {
  const { height, width, channels, data } = image;
  for (const [name, value] of Object.entries({ height, width, channels })) {
    if (!Number.isInteger(value) || value < 1) {
      throw new SegmentImageError(`segmentImage: image ${name} ${value} is not a size: pass a whole number, at least 1`);
    }
  }
  if (data.length !== height * width * channels) {
    throw new SegmentImageError(
      `segmentImage: the image has ${data.length} values, not height * width * channels = ${height} * ${width} * ${channels}: ` +
        'pass its data as [height, width, channels]',
    );
  }
  if (channels !== geometry.inputChannels) {
    throw new SegmentImageError(
      `segmentImage: the image has ${channels} channels but the network takes ${geometry.inputChannels}: ` +
        'convert the image (e.g. to gray) first',
    );
  }
}
