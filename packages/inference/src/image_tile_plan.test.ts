import { describe, expect, it } from 'vitest';
import { planImageTiles } from './image_tile_plan.js';

const padded = { depth: 2, padding: 'same' as const, inputChannels: 1, classes: 2 };

describe('planImageTiles', () => {
  it('covers the image once with tiles on the 2^depth grid, the tile shrunk along the short axis', () => {
    const plan = planImageTiles(padded, 100, 18, { outputTileSize: 32, contextMargin: 8 });
    // Rows: 32-pixel output tiles with 8 of context each side; columns: the 18 pixels rounded up to 20.
    expect(plan).toMatchObject({ inputTileHeight: 48, outputTileHeight: 32, outputTileWidth: 20, inputTileWidth: 36 });
    const count = new Uint8Array(100 * 18);
    for (const tile of plan.tiles) {
      expect(tile.output.top % 4).toBe(0);
      for (let row = 0; row < tile.output.height; row++) {
        for (let column = 0; column < tile.output.width; column++) count[(tile.output.top + row) * 18 + tile.output.left + column]++;
      }
    }
    expect(count.every((n) => n === 1)).toBe(true);
  });

  it('overlaps the tiles for Gaussian blending, and refuses a tile smaller than the grid', () => {
    const plan = planImageTiles(padded, 64, 64, { outputTileSize: 32, contextMargin: 0, blend: 'gaussian', overlap: 0.5 });
    expect(plan.tiles.map((tile) => tile.output.top).filter((top, index, all) => all.indexOf(top) === index)).toEqual([0, 16, 32]);
    // An unpadded depth-4 network returning 4-pixel tiles cannot put them on its 16-pixel grid.
    expect(() => planImageTiles({ ...padded, depth: 4, padding: 'valid' }, 64, 64, { outputTileSize: 4 })).toThrow(
      /smaller than the 16-pixel grid/,
    );
  });
});
