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
  const { inputTileSize, outputTileSize, stride, mode } = layout;
  const margin = (inputTileSize - outputTileSize) / 2;
  const starts = (imageSize: number) => {
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
  const kept = (start: number, imageSize: number) =>
    Math.min(mode === 'partition' ? stride : outputTileSize, imageSize - start);
  const tiles: Tile[] = [];
  for (const top of starts(layout.imageHeight)) {
    for (const left of starts(layout.imageWidth)) {
      const height = kept(top, layout.imageHeight);
      const width = kept(left, layout.imageWidth);
      tiles.push({
        input: { top: top - margin, left: left - margin, height: inputTileSize, width: inputTileSize },
        output: { top, left, height, width },
        crop: { top: 0, left: 0, height, width },
        networkOutput: { height: outputTileSize, width: outputTileSize },
      });
    }
  }
  return tiles;
}
