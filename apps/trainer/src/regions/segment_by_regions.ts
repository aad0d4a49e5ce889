import { reflectIndex, type Tile } from '@unet/core';
import { asTileNetwork, labelsFromProbabilities, planImageTiles, type TileNetwork } from '@unet/inference';
import type { UNet } from '@unet/model';
import type { ImageRegions } from './image_regions.js';

export interface RegionSegmentOptions {
  /** As segmentImage's: the output tile asked for (default 256 for a padded network, 388 for an unpadded one). */
  outputTileSize?: number;
  contextMargin?: number;
  tta?: boolean;
  /** As labelsFromProbabilities': class 1 where its probability reaches it (two-class models); absent: the most probable class. */
  threshold?: number;
  /**
   * Only the bands of tiles whose first output row lies in [start, end): a queue job's share of
   * a huge image. The bands are the whole image's (the same tiles), so the parts of all jobs
   * together equal the whole result.
   */
  rows?: { start: number; end: number };
  /** Called after each band of tiles, and awaited. */
  onProgress?: (progress: { rowsDone: number; rows: number; width: number }) => void | Promise<void>;
}

/** Receives the class ids of rows `top` .. `top + rows - 1`, in order // [rows, width] */
export type LabelRowsSink = (labels: Int32Array, top: number, rows: number) => Promise<void>;

/**
 * segmentImage's partition tiling (blend 'none') for an image that need not fit in memory:
 * the same tiles, on the same 2^depth grid, each with the same mirrored context at the image's
 * true borders, but read from disk a row of tiles at a time and turned into class ids at once.
 * Each tile's network input is the same array segmentImage would build, so each of its
 * probabilities is the same float, and the class ids (an argmax per pixel) equal the
 * whole-image result's pixel for pixel. Memory: one band of input rows (the tiles' height
 * plus their context) and one band of labels, whatever the image's height.
 */
export async function segmentByRegions(
  network: UNet | TileNetwork,
  image: ImageRegions,
  sink: LabelRowsSink,
  options: RegionSegmentOptions = {},
): Promise<void> {
  const { height, width, channels } = image;
  const tileNetwork = asTileNetwork(network);
  const geometry = tileNetwork.geometry;
  const classes = geometry.classes;
  if (channels !== geometry.inputChannels) {
    throw new RangeError(
      `segmentByRegions: ${image.file} is read with ${channels} channels but the network takes ${geometry.inputChannels}`,
    );
  }
  // segmentImage's own plan (blend 'none'), so that each tile is the one it would predict.
  const { tiles } = planImageTiles(geometry, height, width, {
    outputTileSize: options.outputTileSize,
    contextMargin: options.contextMargin,
  });
  const bands = new Map<number, Tile[]>();
  for (const tile of tiles) bands.set(tile.output.top, [...(bands.get(tile.output.top) ?? []), tile]);

  const sourceColumns = (tile: Tile) =>
    Array.from({ length: tile.input.width }, (_, column) => reflectIndex(tile.input.left + column, width));
  for (const [top, bandTiles] of bands) {
    if (options.rows !== undefined && !(top >= options.rows.start && top < options.rows.end)) continue;
    const first = bandTiles[0]!;
    // The image rows this band's tiles read, mirrored at the image's top and bottom only.
    const sourceRows = Array.from({ length: first.input.height }, (_, row) => reflectIndex(first.input.top + row, height));
    const firstRow = Math.min(...sourceRows);
    const rowsRead = Math.max(...sourceRows) - firstRow + 1;
    const band = await image.readRows(firstRow, rowsRead);
    const keptRows = first.output.height;
    const labels = new Int32Array(keptRows * width);
    for (const tile of bandTiles) {
      const columns = sourceColumns(tile);
      const input = new Float32Array(tile.input.height * tile.input.width * channels);
      let target = 0;
      for (const sourceRow of sourceRows) {
        const rowStart = (sourceRow - firstRow) * width;
        for (const sourceColumn of columns) {
          const source = (rowStart + sourceColumn) * channels;
          for (let channel = 0; channel < channels; channel++) input[target++] = band[source + channel]!;
        }
      }
      // One tile a call, as segmentImage runs them (batch of one).
      const probabilities = await tileNetwork.predictTiles(
        input,
        {
          tiles: 1,
          inputHeight: tile.input.height,
          inputWidth: tile.input.width,
          outputHeight: tile.networkOutput.height,
          outputWidth: tile.networkOutput.width,
        },
        { tta: options.tta ?? false },
      );
      // The kept block (cut at the image's edge) of the network's output tile // [kept rows, kept columns, classes]
      const { height: rows, width: cols } = tile.output;
      const networkWidth = tile.networkOutput.width;
      const kept = new Float32Array(rows * cols * classes);
      for (let row = 0; row < rows; row++) {
        kept.set(probabilities.subarray(row * networkWidth * classes, (row * networkWidth + cols) * classes), row * cols * classes);
      }
      const tileLabels = labelsFromProbabilities(kept, rows, cols, classes, { threshold: options.threshold });
      for (let row = 0; row < rows; row++) labels.set(tileLabels.subarray(row * cols, (row + 1) * cols), row * width + tile.output.left);
      // The CPU backends compute without returning to the event loop: yield, so that a queue worker renews its lock.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await sink(labels, top, keptRows);
    await options.onProgress?.({ rowsDone: top + keptRows, rows: height, width });
  }
}
