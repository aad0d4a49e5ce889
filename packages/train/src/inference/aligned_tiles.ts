import type { Tile } from '@unet/core';

/** How tiles are laid along both axes; all sizes in pixels. */
export interface AlignedTileLayout {
  imageHeight: number;
  imageWidth: number;
  /** The square input tile the network takes. */
  inputTileSize: number;
  /** The square output tile it returns. */
  outputTileSize: number;
  /** Distance between tile origins: a multiple of 2^depth, at most outputTileSize. */
  stride: number;
  /**
   * 'partition': each tile writes the `stride` x `stride` block at its origin (cut at the
   * image's edge), so each pixel is written once; 'overlap': each tile writes its whole output
   * tile (cut at the edge), for blending.
   */
  mode: 'partition' | 'overlap';
  /**
   * Rectangular tiles (an image smaller than a square tile along one axis): these override the
   * square sizes above along rows (height) or columns (width).
   */
  inputTileHeight?: number;
  inputTileWidth?: number;
  outputTileHeight?: number;
  outputTileWidth?: number;
  strideHeight?: number;
  strideWidth?: number;
}

/**
 * Tiles whose origins lie on a grid of `stride`, a multiple of 2^depth. Max pooling makes a
 * U-Net's output depend on where the 2x2 pooling grid falls, so a tile only gives the values
 * the whole (mirror-extended) image would give when its origin is a multiple of 2^depth away
 * from the image's: then the tiled result equals the untiled one, not just looks seamless.
 * core's planTiles instead shifts the last tile back to the image's edge, off that grid; these
 * tiles may reach past the edge (those pixels are mirrored in and their outputs dropped).
 * The result uses @unet/core's Tile type, so extractTile and createStitcher take it.
 */
export function planAlignedTiles(layout: AlignedTileLayout): Tile[] {
  const { mode } = layout;
  const rows = {
    input: layout.inputTileHeight ?? layout.inputTileSize,
    output: layout.outputTileHeight ?? layout.outputTileSize,
    stride: layout.strideHeight ?? layout.stride,
  };
  const columns = {
    input: layout.inputTileWidth ?? layout.inputTileSize,
    output: layout.outputTileWidth ?? layout.outputTileSize,
    stride: layout.strideWidth ?? layout.stride,
  };
  const starts = (imageSize: number, { stride, output: outputTileSize }: typeof rows) => {
    const result: number[] = [];
    if (mode === 'partition') {
      for (let start = 0; start < imageSize; start += stride) result.push(start);
    } else {
      // Until a tile reaches the edge.
      for (let start = 0; ; start += stride) {
        result.push(start);
        if (start + outputTileSize >= imageSize) break;
      }
    }
    return result;
  };
  const kept = (start: number, imageSize: number, axis: typeof rows) =>
    Math.min(mode === 'partition' ? axis.stride : axis.output, imageSize - start);
  const tiles: Tile[] = [];
  for (const top of starts(layout.imageHeight, rows)) {
    for (const left of starts(layout.imageWidth, columns)) {
      const height = kept(top, layout.imageHeight, rows);
      const width = kept(left, layout.imageWidth, columns);
      tiles.push({
        input: { top: top - (rows.input - rows.output) / 2, left: left - (columns.input - columns.output) / 2, height: rows.input, width: columns.input },
        output: { top, left, height, width },
        crop: { top: 0, left: 0, height, width },
        networkOutput: { height: rows.output, width: columns.output },
      });
    }
  }
  return tiles;
}
