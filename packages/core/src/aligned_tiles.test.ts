import { describe, expect, it } from 'vitest';
import { planAlignedTiles } from './aligned_tiles.js';

describe('planAlignedTiles', () => {
  it('partitions the image: every pixel once, origins on the stride grid, context around each', () => {
    const tiles = planAlignedTiles({
      imageHeight: 37,
      imageWidth: 53,
      inputTileSize: 108,
      outputTileSize: 20,
      stride: 16,
      mode: 'partition',
    });
    const count = new Uint8Array(37 * 53);
    for (const tile of tiles) {
      expect(tile.output.top % 16).toBe(0);
      expect(tile.output.left % 16).toBe(0);
      expect(tile.input).toMatchObject({ top: tile.output.top - 44, left: tile.output.left - 44, height: 108, width: 108 });
      for (let r = 0; r < tile.output.height; r++)
        for (let c = 0; c < tile.output.width; c++) count[(tile.output.top + r) * 53 + tile.output.left + c]++;
    }
    expect(tiles).toHaveLength(3 * 4);
    expect(count.every((n) => n === 1)).toBe(true);
  });

  it('overlaps tiles until one reaches the edge', () => {
    const tiles = planAlignedTiles({ imageHeight: 40, imageWidth: 16, inputTileSize: 16, outputTileSize: 16, stride: 8, mode: 'overlap' });
    // rows start at 0, 8, 16, 24 (24 + 16 = 40 reaches the edge); one column
    expect(tiles.map((tile) => [tile.output.top, tile.output.height])).toEqual([
      [0, 16],
      [8, 16],
      [16, 16],
      [24, 16],
    ]);
  });
});
