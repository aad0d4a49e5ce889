import { describe, expect, it } from 'vitest';
import { type Tile, TilePlanError, TileStitchError, createStitcher, extractTile } from './overlap_tile.js';
import { planAlignedTiles } from './aligned_tiles.js';

interface TileSizes {
  name: string;
  inputTile: number;
  outputTile: number;
  /** Distance between tile origins: a multiple of the pooling grid, at most the output tile. */
  stride: number;
}

const tileSizes: TileSizes[] = [
  // Depth 4, unpadded: 252 -> 68 (see network_size), a context margin of 92.
  { name: 'unpadded 252 -> 68', inputTile: 252, outputTile: 68, stride: 64 },
  // 'same' padding: the network returns its input's size, no margin.
  { name: "'same' 64 -> 64", inputTile: 64, outputTile: 64, stride: 64 },
  // 'same' padding run with an overlap of 16 on each side, to keep its border pixels out.
  { name: "'same' 96 -> 64, margin 16", inputTile: 96, outputTile: 64, stride: 64 },
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

describe('overlap tiles from planAlignedTiles', () => {
  for (const sizes of tileSizes) {
    for (const image of imageSizes) {
      it(`covers ${image.height} x ${image.width} exactly once with ${sizes.name} tiles`, () => {
        const tiles = planAlignedTiles({
          imageHeight: image.height,
          imageWidth: image.width,
          inputTileSize: sizes.inputTile,
          outputTileSize: sizes.outputTile,
          stride: sizes.stride,
          mode: 'partition',
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
        const tiles = planAlignedTiles({
          imageHeight: height,
          imageWidth: width,
          inputTileSize: sizes.inputTile,
          outputTileSize: sizes.outputTile,
          stride: sizes.stride,
          mode: 'partition',
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

  it('rejects a context margin that is fractional or negative, sizes below 1, and a stride past the tile', () => {
    const paper = { imageHeight: 512, imageWidth: 512, inputTileSize: 572, outputTileSize: 388, stride: 384, mode: 'partition' as const };
    expect(() => planAlignedTiles({ ...paper, inputTileWidth: 573 })).toThrow(/margin of 92.5/);
    expect(() => planAlignedTiles({ ...paper, inputTileHeight: 300 })).toThrow(TilePlanError);
    expect(() => planAlignedTiles({ ...paper, imageWidth: 0 })).toThrow(/imageWidth 0 is not a size/);
    expect(() => planAlignedTiles({ ...paper, stride: 392 })).toThrow(/stride height of 392/);
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
    expect(() => extractTile(new Float32Array(5), 2, 3, 1, { input: { top: 0, left: 0, height: 1, width: 1 } })).toThrow(/5 values/);
  });
});

describe('createStitcher', () => {
  const plan = planAlignedTiles({ imageHeight: 6, imageWidth: 4, inputTileSize: 4, outputTileSize: 4, stride: 4, mode: 'partition' });

  it('refuses an output tile of the wrong size', () => {
    expect(() => createStitcher(6, 4, 1).add(plan[0], new Float32Array(15))).toThrow(/15 values, not 4 \* 4 \* 1/);
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
    const [tile] = planAlignedTiles({ imageHeight: 8, imageWidth: 8, inputTileSize: 8, outputTileSize: 8, stride: 8, mode: 'partition' });
    expect(() => createStitcher(6, 4, 1).add(tile, new Float32Array(64))).toThrow(/outside the 6 x 4 image/);
  });
});
