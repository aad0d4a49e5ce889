import { describe, expect, it } from 'vitest';
import {
  type Tile,
  TilePlanError,
  TileStitchError,
  createStitcher,
  extractTile,
  planTiles,
} from './overlap_tile.js';

interface TileSizes {
  name: string;
  inputTile: number;
  outputTile: number;
}

const tileSizes: TileSizes[] = [
  // Depth 4, unpadded: 252 -> 68 (see network_size), a context margin of 92.
  { name: 'unpadded 252 -> 68', inputTile: 252, outputTile: 68 },
  // 'same' padding: the network returns its input's size, no margin.
  { name: "'same' 64 -> 64", inputTile: 64, outputTile: 64 },
  // 'same' padding run with an overlap of 16 on each side, to keep its border pixels out.
  { name: "'same' 96 -> 64, margin 16", inputTile: 96, outputTile: 64 },
];

const imageSizes = [
  { height: 1, width: 1, channels: 1 },
  { height: 387, width: 389, channels: 1 },
  { height: 1000, width: 3, channels: 2 },
  // An exact multiple of every output tile: 68 * 4 = 17 * 16 and 64 * 17.
  { height: 1088, width: 136, channels: 1 },
];

/** Distinct, reproducible pixel values. */
function makeImage(height: number, width: number, channels: number): Float32Array {
  return Float32Array.from({ length: height * width * channels }, (_, index) => (index * 7919) % 10007);
}

/** The network stand-in: returns the centre of its input window, `margin` in from each side. */
function identityNetwork(window: Float32Array, tile: Tile, channels: number): Float32Array {
  const margin = (tile.input.height - tile.networkOutput.height) / 2;
  const { height, width } = tile.networkOutput;
  const output = new Float32Array(height * width * channels);
  for (let row = 0; row < height; row++) {
    const start = ((row + margin) * tile.input.width + margin) * channels;
    output.set(window.subarray(start, start + width * channels), row * width * channels);
  }
  return output;
}

describe('planTiles', () => {
  it("lays out the paper's 512 x 512 ISBI image in 2 x 2 tiles of 572 -> 388", () => {
    // By hand: the second row's output tile is shifted back to start at 512 - 388 = 124; it writes
    // rows 388 to 511, which are rows 264 to 387 of its output tile; its input starts 92 above 124.
    const tiles = planTiles({
      imageHeight: 512,
      imageWidth: 512,
      inputTileHeight: 572,
      inputTileWidth: 572,
      outputTileHeight: 388,
      outputTileWidth: 388,
    });
    expect(tiles).toHaveLength(4);
    expect(tiles[0]).toEqual({
      input: { top: -92, left: -92, height: 572, width: 572 },
      output: { top: 0, left: 0, height: 388, width: 388 },
      crop: { top: 0, left: 0, height: 388, width: 388 },
      networkOutput: { height: 388, width: 388 },
    });
    expect(tiles[3]).toEqual({
      input: { top: 32, left: 32, height: 572, width: 572 },
      output: { top: 388, left: 388, height: 124, width: 124 },
      crop: { top: 264, left: 264, height: 124, width: 124 },
      networkOutput: { height: 388, width: 388 },
    });
  });

  it('gives an image smaller than one output tile a single, cropped tile', () => {
    const tiles = planTiles({
      imageHeight: 1,
      imageWidth: 1,
      inputTileHeight: 252,
      inputTileWidth: 252,
      outputTileHeight: 68,
      outputTileWidth: 68,
    });
    expect(tiles).toEqual([
      {
        input: { top: -92, left: -92, height: 252, width: 252 },
        output: { top: 0, left: 0, height: 1, width: 1 },
        crop: { top: 0, left: 0, height: 1, width: 1 },
        networkOutput: { height: 68, width: 68 },
      },
    ]);
  });

  for (const sizes of tileSizes) {
    for (const image of imageSizes) {
      it(`covers ${image.height} x ${image.width} exactly once with ${sizes.name} tiles`, () => {
        const tiles = planTiles({
          imageHeight: image.height,
          imageWidth: image.width,
          inputTileHeight: sizes.inputTile,
          inputTileWidth: sizes.inputTile,
          outputTileHeight: sizes.outputTile,
          outputTileWidth: sizes.outputTile,
        });
        const coverage = new Uint16Array(image.height * image.width);
        const margin = (sizes.inputTile - sizes.outputTile) / 2;
        for (const tile of tiles) {
          expect(tile.crop.height).toBe(tile.output.height);
          expect(tile.crop.width).toBe(tile.output.width);
          expect(tile.crop.top + tile.crop.height).toBeLessThanOrEqual(sizes.outputTile);
          expect(tile.crop.left + tile.crop.width).toBeLessThanOrEqual(sizes.outputTile);
          // Output pixel i of the network sits at image pixel input + margin + i.
          expect(tile.input.top + margin + tile.crop.top).toBe(tile.output.top);
          expect(tile.input.left + margin + tile.crop.left).toBe(tile.output.left);
          for (let row = tile.output.top; row < tile.output.top + tile.output.height; row++) {
            for (let column = tile.output.left; column < tile.output.left + tile.output.width; column++) {
              coverage[row * image.width + column]++;
            }
          }
        }
        expect(coverage.every((count) => count === 1)).toBe(true);
      });

      it(`stitches ${sizes.name} identity tiles of ${image.height} x ${image.width} into the image`, () => {
        const { height, width, channels } = image;
        const original = makeImage(height, width, channels);
        const stitcher = createStitcher(height, width, channels);
        const tiles = planTiles({
          imageHeight: height,
          imageWidth: width,
          inputTileHeight: sizes.inputTile,
          inputTileWidth: sizes.inputTile,
          outputTileHeight: sizes.outputTile,
          outputTileWidth: sizes.outputTile,
        });
        for (const tile of tiles) {
          const window = extractTile(original, height, width, channels, tile);
          expect(window.length).toBe(sizes.inputTile * sizes.inputTile * channels);
          stitcher.add(tile, identityNetwork(window, tile, channels));
        }
        const stitched = stitcher.result();
        expect(stitched.length).toBe(original.length);
        const firstDifference = stitched.findIndex((value, index) => value !== original[index]);
        expect(firstDifference).toBe(-1);
      });
    }
  }

  it('handles different tile sizes along the two axes', () => {
    const tiles = planTiles({
      imageHeight: 10,
      imageWidth: 10,
      inputTileHeight: 8,
      inputTileWidth: 4,
      outputTileHeight: 4,
      outputTileWidth: 4,
    });
    expect(tiles.map((tile) => [tile.input.top, tile.input.left])).toEqual([
      [-2, 0], [-2, 4], [-2, 6],
      [2, 0], [2, 4], [2, 6],
      [4, 0], [4, 4], [4, 6],
    ]);
  });

  it('rejects a context margin that is fractional or negative, and sizes below 1', () => {
    const paper = {
      imageHeight: 512,
      imageWidth: 512,
      inputTileHeight: 572,
      inputTileWidth: 572,
      outputTileHeight: 388,
      outputTileWidth: 388,
    };
    expect(() => planTiles({ ...paper, inputTileWidth: 573 })).toThrow(/margin of 92.5/);
    expect(() => planTiles({ ...paper, inputTileHeight: 300 })).toThrow(TilePlanError);
    expect(() => planTiles({ ...paper, imageWidth: 0 })).toThrow(/imageWidth 0 is not a size/);
  });
});

describe('extractTile', () => {
  it('mirrors a 1 x 3 row by 4 on each side as numpy does, on every row of the window', () => {
    // np.pad([1, 2, 3], 4, mode='reflect') is [1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3]; a single row
    // mirrors onto itself.
    const window = extractTile(Int32Array.of(1, 2, 3), 1, 3, 1, {
      input: { top: -1, left: -4, height: 3, width: 11 },
    });
    expect(window).toBeInstanceOf(Int32Array);
    const row = [1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3];
    expect(Array.from(window)).toEqual([...row, ...row, ...row]);
  });

  it('takes a window inside the image, with its channels, unchanged', () => {
    // [3, 3, 2] image, value = 10 * pixel + channel.
    const image = Float32Array.from({ length: 18 }, (_, index) => 10 * Math.floor(index / 2) + (index % 2));
    const window = extractTile(image, 3, 3, 2, { input: { top: 1, left: 1, height: 2, width: 2 } });
    expect(Array.from(window)).toEqual([40, 41, 50, 51, 70, 71, 80, 81]);
  });

  it('rejects image data of the wrong length', () => {
    expect(() =>
      extractTile(new Float32Array(5), 2, 3, 1, { input: { top: 0, left: 0, height: 1, width: 1 } }),
    ).toThrow(/5 values/);
  });
});

describe('createStitcher', () => {
  const plan = planTiles({
    imageHeight: 6,
    imageWidth: 4,
    inputTileHeight: 4,
    inputTileWidth: 4,
    outputTileHeight: 4,
    outputTileWidth: 4,
  });

  it('refuses an output tile of the wrong size', () => {
    expect(() => createStitcher(6, 4, 1).add(plan[0], new Float32Array(15))).toThrow(
      /15 values, not 4 \* 4 \* 1/,
    );
  });

  it('refuses a pixel written twice, and leaves the image as it was', () => {
    const stitcher = createStitcher(6, 4, 1);
    stitcher.add(plan[0], new Float32Array(16).fill(1));
    expect(() => stitcher.add(plan[0], new Float32Array(16).fill(2))).toThrow(TileStitchError);
    stitcher.add(plan[1], new Float32Array(16).fill(3));
    const expected = [...Array<number>(16).fill(1), ...Array<number>(8).fill(3)];
    expect(Array.from(stitcher.result())).toEqual(expected);
  });

  it('refuses to give a result before every pixel is written', () => {
    const stitcher = createStitcher(6, 4, 1);
    stitcher.add(plan[0], new Float32Array(16));
    expect(() => stitcher.result()).toThrow(/8 of 24 pixels are not written, the first at \(4, 0\)/);
  });

  it('refuses a tile planned for a larger image', () => {
    const [tile] = planTiles({
      imageHeight: 8,
      imageWidth: 8,
      inputTileHeight: 8,
      inputTileWidth: 8,
      outputTileHeight: 8,
      outputTileWidth: 8,
    });
    expect(() => createStitcher(6, 4, 1).add(tile, new Float32Array(64))).toThrow(/outside the 6 x 4 image/);
  });
});
