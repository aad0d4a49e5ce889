import { type PixelArray, reflectIndex } from './mirror_pad.js';

/**
 * The overlap-tile strategy (Ronneberger et al. 2015, section 2 and figure 2).
 *
 * An unpadded network returns a smaller tile than it is given, so to segment an image of any
 * size it is run on overlapping input tiles: each input tile adds a context margin of
 * `(inputTile - outputTile) / 2` around the output tile it predicts, and where that margin
 * reaches beyond the image the missing pixels are mirrored. planAlignedTiles (aligned_tiles.ts)
 * lays the tiles out; this file holds the tile, its extraction and the stitcher.
 *
 * Images are kept as typed arrays // [height, width, channels], row-major.
 */

/** A window of rows and columns. */
export interface TileWindow {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** One tile of a plan. */
export interface Tile {
  /**
   * The network's input window in image coordinates, of the input tile's size. It may reach
   * beyond the image (negative top or left, or past the bottom or right); extractTile mirrors
   * those pixels.
   */
  input: TileWindow;
  /** The region of the image that this tile writes; the tiles of a plan cover each pixel once. */
  output: TileWindow;
  /** The part of the network's output tile to keep, in that tile's coordinates; output's size. */
  crop: TileWindow;
  /** The size of the network's output for this tile, from which `crop` is taken. */
  networkOutput: { height: number; width: number };
}

/** Tile sizes from which no plan can be made. */
export class TilePlanError extends Error {
  override readonly name = 'TilePlanError';

  constructor(message: string) {
    super(message);
  }
}

/** A network output that does not fit the stitcher, or a stitch left incomplete. */
export class TileStitchError extends Error {
  override readonly name = 'TileStitchError';

  constructor(message: string) {
    super(message);
  }
}

/**
 * The tile's input window of the image, with the pixels beyond the image mirrored (as
 * mirrorPadArray would give them, without padding the whole image).
 *
 * @param image // [height, width, channels]
 * @returns an array of the image's type // [tile.input.height, tile.input.width, channels]
 */
export function extractTile<Data extends PixelArray>(
  image: Data,
  height: number,
  width: number,
  channels: number,
  tile: Pick<Tile, 'input'>,
): Data {
  if (image.length !== height * width * channels) {
    throw new TilePlanError(
      `overlap_tile: the image has ${image.length} values, not height * width * channels = ` +
        `${height} * ${width} * ${channels}: pass its data as [height, width, channels]`,
    );
  }
  const { top, left, height: tileHeight, width: tileWidth } = tile.input;
  const sourceColumns = Array.from({ length: tileWidth }, (_, column) => reflectIndex(left + column, width));
  const createArray = image.constructor as new (length: number) => Data;
  const window = new createArray(tileHeight * tileWidth * channels);
  let target = 0;
  for (let row = 0; row < tileHeight; row++) {
    const sourceRowStart = reflectIndex(top + row, height) * width;
    for (let column = 0; column < tileWidth; column++) {
      const source = (sourceRowStart + sourceColumns[column]) * channels;
      for (let channel = 0; channel < channels; channel++) window[target++] = image[source + channel];
    }
  }
  return window;
}

/** Assembles the network's output tiles into one image. */
export interface Stitcher {
  /**
   * Writes the kept part of one tile's network output into the image.
   *
   * @param networkOutput // [tile.networkOutput.height, tile.networkOutput.width, channels]
   */
  add(tile: Tile, networkOutput: ArrayLike<number>): void;
  /** The stitched image once every pixel is written // [height, width, channels] */
  result(): Float32Array;
}

/**
 * A stitcher for an image of `height` x `width` pixels of `channels` values (the network's
 * output channels, e.g. class scores), fed with the tiles of one planAlignedTiles call in 'partition' mode.
 */
export function createStitcher(height: number, width: number, channels: number): Stitcher {
  for (const [name, size] of Object.entries({ height, width, channels })) {
    if (!Number.isInteger(size) || size < 1) {
      throw new TileStitchError(`overlap_tile: ${name} ${size} is not a size: pass a whole number, at least 1`);
    }
  }
  const values = new Float32Array(height * width * channels);
  // Each pixel is written once; counting the writes catches tiles from another plan.
  const written = new Uint8Array(height * width);
  let writtenCount = 0;
  return {
    add(tile, networkOutput) {
      const { output, crop } = tile;
      const networkWidth = tile.networkOutput.width;
      const expectedLength = tile.networkOutput.height * networkWidth * channels;
      if (networkOutput.length !== expectedLength) {
        throw new TileStitchError(
          `overlap_tile: the network output has ${networkOutput.length} values, not ` +
            `${tile.networkOutput.height} * ${networkWidth} * ${channels} = ${expectedLength}: ` +
            'pass the whole output tile as [height, width, channels]',
        );
      }
      const outside = output.top < 0 || output.left < 0 || output.top + output.height > height || output.left + output.width > width;
      if (outside) {
        throw new TileStitchError(
          `overlap_tile: the tile writes rows ${output.top} to ${output.top + output.height - 1} ` +
            `and columns ${output.left} to ${output.left + output.width - 1}, ` +
            `outside the ${height} x ${width} image: ` +
            'stitch the tiles of a plan made for this image',
        );
      }
      // Checked before anything is written, so that a refused tile leaves the image as it was.
      for (let row = 0; row < output.height; row++) {
        const rowStart = (output.top + row) * width + output.left;
        const twice = written.subarray(rowStart, rowStart + output.width).indexOf(1);
        if (twice !== -1) {
          throw new TileStitchError(
            `overlap_tile: pixel (${output.top + row}, ${output.left + twice}) is already written: stitch each tile of one plan once`,
          );
        }
      }
      for (let row = 0; row < output.height; row++) {
        for (let column = 0; column < output.width; column++) {
          const pixel = (output.top + row) * width + output.left + column;
          written[pixel] = 1;
          const source = ((crop.top + row) * networkWidth + crop.left + column) * channels;
          for (let channel = 0; channel < channels; channel++) {
            values[pixel * channels + channel] = networkOutput[source + channel];
          }
        }
      }
      writtenCount += output.height * output.width;
    },
    result() {
      if (writtenCount < height * width) {
        const firstMissing = written.indexOf(0);
        throw new TileStitchError(
          `overlap_tile: ${height * width - writtenCount} of ${height * width} pixels are not written, ` +
            `the first at (${Math.floor(firstMissing / width)}, ${firstMissing % width}): ` +
            'add every tile of the plan before taking the result',
        );
      }
      return values;
    },
  };
}
