import { type Tile, TilePlanError } from './overlap_tile.js';

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
 * Tiles may reach past the image's edge (those pixels are mirrored in and their outputs
 * dropped) rather than shift back inside it, which would put them off that grid.
 * extractTile and createStitcher take the result.
 */
export function planAlignedTiles(layout: AlignedTileLayout): Tile[] {
  const { mode } = layout;
  checkLayout(layout);
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
        input: {
          top: top - (rows.input - rows.output) / 2,
          left: left - (columns.input - columns.output) / 2,
          height: rows.input,
          width: columns.input,
        },
        output: { top, left, height, width },
        crop: { top: 0, left: 0, height, width },
        networkOutput: { height: rows.output, width: columns.output },
      });
    }
  }
  return tiles;
}

function checkLayout(layout: AlignedTileLayout): void {
  for (const [name, size] of Object.entries(layout)) {
    if (name !== 'mode' && size !== undefined && (!Number.isInteger(size) || size < 1)) {
      throw new TilePlanError(`planAlignedTiles: ${name} ${size} is not a size: pass a whole number of pixels, at least 1`);
    }
  }
  if (layout.mode !== 'partition' && layout.mode !== 'overlap') {
    throw new TilePlanError(`planAlignedTiles: mode must be 'partition' or 'overlap', got ${JSON.stringify(layout.mode)}`);
  }
  const axes = {
    height: [
      layout.inputTileHeight ?? layout.inputTileSize,
      layout.outputTileHeight ?? layout.outputTileSize,
      layout.strideHeight ?? layout.stride,
    ],
    width: [
      layout.inputTileWidth ?? layout.inputTileSize,
      layout.outputTileWidth ?? layout.outputTileSize,
      layout.strideWidth ?? layout.stride,
    ],
  };
  for (const [axis, [input, output, stride]] of Object.entries(axes)) {
    const margin = (input - output) / 2;
    if (!Number.isInteger(margin) || margin < 0) {
      throw new TilePlanError(
        `planAlignedTiles: an input tile ${axis} of ${input} and an output tile ${axis} of ${output} leave a context ` +
          `margin of ${margin} on each side: the input tile must be at least as large as the output tile and differ ` +
          'from it by an even number (the paper: 572 and 388)',
      );
    }
    if (stride > output) {
      throw new TilePlanError(
        `planAlignedTiles: a stride ${axis} of ${stride} skips pixels of output tiles ${output} long: pass a stride of at most ${output}`,
      );
    }
  }
}
