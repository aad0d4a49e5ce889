import { inputSizeForOutput, outputSize } from '@unet/core';
import { UNet } from '@unet/model';
import { SegmentImageError } from './errors.js';
import type { NetworkGeometry, TileNetwork } from './tile_network.js';

/** The tile geometry segmentImage uses for a network and a requested output tile. */
export function tileSizes(
  network: UNet | TileNetwork | NetworkGeometry,
  requestedOutputTileSize: number,
  contextMargin?: number,
): { inputTileSize: number; outputTileSize: number; margin: number; alignment: number } {
  const { depth, padding } = geometryOf(network);
  const alignment = 2 ** depth;
  if (!Number.isInteger(requestedOutputTileSize) || requestedOutputTileSize < 1) {
    throw new SegmentImageError(
      `segmentImage: outputTileSize ${requestedOutputTileSize} is not a size: pass a whole number of pixels, at least 1`,
    );
  }
  if (padding === 'valid') {
    const inputTileSize = inputSizeForOutput(requestedOutputTileSize, depth, padding);
    const outputTileSize = outputSize(inputTileSize, depth, padding);
    return { inputTileSize, outputTileSize, margin: (inputTileSize - outputTileSize) / 2, alignment };
  }
  const outputTileSize = Math.ceil(requestedOutputTileSize / alignment) * alignment;
  const requestedMargin = contextMargin ?? 4 * alignment;
  if (!Number.isInteger(requestedMargin) || requestedMargin < 0) {
    throw new SegmentImageError(`segmentImage: contextMargin ${requestedMargin} must be a whole number of pixels >= 0`);
  }
  const margin = Math.ceil(requestedMargin / alignment) * alignment;
  return { inputTileSize: outputTileSize + 2 * margin, outputTileSize, margin, alignment };
}

export function geometryOf(network: UNet | TileNetwork | NetworkGeometry): NetworkGeometry {
  if (network instanceof UNet) return network.config;
  return 'geometry' in network ? network.geometry : network;
}
