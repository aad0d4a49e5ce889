import { type Tile, planAlignedTiles } from '@unet/core';
import { SegmentImageError } from './errors.js';
import type { NetworkGeometry } from './tile_network.js';
import { tileSizes } from './tile_sizes.js';

/** How an image is cut: its tiles and the network's input and output tile sizes. */
export interface ImageTilePlan {
  tiles: Tile[];
  inputTileHeight: number;
  inputTileWidth: number;
  outputTileHeight: number;
  outputTileWidth: number;
}

export interface ImageTilePlanOptions {
  /** The side of the square output tile asked for; default 388 unpadded, 256 padded, never much more than the image. */
  outputTileSize?: number;
  /** For a padded network: the context on each side of the output tile (see tileSizes). */
  contextMargin?: number;
  /** 'none': tiles side by side (each pixel from one tile); 'gaussian': overlapping by `overlap`. */
  blend?: 'none' | 'gaussian';
  /** For 'gaussian': the fraction of a tile that overlaps the next: 0.5. */
  overlap?: number;
}

/**
 * The tiles segmentImage cuts an image of `height` x `width` into, for a network of this
 * geometry: origins on the 2^depth grid, the tile shrunk to the image along an axis shorter than
 * it. One plan for every path that segments (segmentImage, and images read region by region), so
 * that they give the same result.
 */
export function planImageTiles(
  geometry: NetworkGeometry,
  height: number,
  width: number,
  options: ImageTilePlanOptions = {},
): ImageTilePlan {
  const blend = options.blend ?? 'none';
  const overlap = options.overlap ?? 0.5;
  const defaultTile = geometry.padding === 'valid' ? 388 : 256;
  const requested = options.outputTileSize ?? Math.min(defaultTile, Math.max(height, width));
  // Along an axis shorter than the tile, the tile shrinks to the image (rounded up to a size the
  // network takes): an image of 1000 x 1500 in one tile needs no 1500 x 1500 square.
  const alongRows = tileSizes(geometry, Math.min(requested, height), options.contextMargin);
  const alongColumns = tileSizes(geometry, Math.min(requested, width), options.contextMargin);
  const alignment = alongRows.alignment;
  const strideOf = (outputTileSize: number) => {
    const wantedStride = blend === 'gaussian' ? outputTileSize * (1 - overlap) : outputTileSize;
    const stride = Math.max(alignment, Math.floor(wantedStride / alignment) * alignment);
    if (stride > outputTileSize) {
      throw new SegmentImageError(
        `segmentImage: an output tile of ${outputTileSize} pixels is smaller than the ${alignment}-pixel grid its ` +
          'origins must lie on: ask for a larger outputTileSize',
      );
    }
    return stride;
  };
  const tiles = planAlignedTiles({
    imageHeight: height,
    imageWidth: width,
    inputTileSize: alongRows.inputTileSize,
    outputTileSize: alongRows.outputTileSize,
    stride: strideOf(alongRows.outputTileSize),
    inputTileWidth: alongColumns.inputTileSize,
    outputTileWidth: alongColumns.outputTileSize,
    strideWidth: strideOf(alongColumns.outputTileSize),
    mode: blend === 'none' ? 'partition' : 'overlap',
  });
  return {
    tiles,
    inputTileHeight: alongRows.inputTileSize,
    inputTileWidth: alongColumns.inputTileSize,
    outputTileHeight: alongRows.outputTileSize,
    outputTileWidth: alongColumns.outputTileSize,
  };
}
