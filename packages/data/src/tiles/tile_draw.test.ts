import { describe, expect, it } from 'vitest';
import { NO_AUGMENTATION, PAPER_AUGMENTATION } from '../augment/augmentation.js';
import { createRandom } from '../random.js';
import { drawTrainingTile } from './tile_draw.js';

describe('drawTrainingTile', () => {
  it('crops every whole position of the output tile inside the image, uniformly enough to reach both ends', () => {
    const tops = new Set<number>();
    for (let seed = 0; seed < 400; seed++) {
      const { outputTop, outputLeft } = drawTrainingTile(20, 30, createRandom(seed, 'tile'), 16, NO_AUGMENTATION);
      expect(outputTop).toBeGreaterThanOrEqual(0);
      expect(outputTop).toBeLessThanOrEqual(20 - 16);
      expect(outputLeft).toBeGreaterThanOrEqual(0);
      expect(outputLeft).toBeLessThanOrEqual(30 - 16);
      tops.add(outputTop);
    }
    expect([...tops].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('centres the output tile on an image smaller than it (the rest is mirrored later)', () => {
    // (10 - 16) / 2 = -3: three mirrored rows above, three below.
    const { outputTop, outputLeft } = drawTrainingTile(10, 16, createRandom(1), 16, NO_AUGMENTATION);
    expect([outputTop, outputLeft]).toEqual([-3, 0]);
  });

  it("puts the geometry's centre on the output tile's centre pixel position, (size - 1) / 2 past its corner", () => {
    const { outputTop, outputLeft, geometry } = drawTrainingTile(64, 64, createRandom(5), 16, NO_AUGMENTATION);
    expect(geometry).toEqual({
      centreRow: outputTop + 7.5,
      centreColumn: outputLeft + 7.5,
      flipRows: false,
      flipColumns: false,
      quarterTurns: 0,
      rotation: 0,
      scale: 1,
      displacements: undefined,
    });
  });

  it('is a function of the stream alone, and the augmentation is drawn apart from the crop', () => {
    const first = drawTrainingTile(64, 64, createRandom(9, 'tile', 3, 1), 16, PAPER_AUGMENTATION);
    const again = drawTrainingTile(64, 64, createRandom(9, 'tile', 3, 1), 16, PAPER_AUGMENTATION);
    expect(again).toEqual(first);
    // Another image size changes the crop's range, not the augmentation's draw.
    const otherSize = drawTrainingTile(200, 100, createRandom(9, 'tile', 3, 1), 16, PAPER_AUGMENTATION);
    expect(otherSize.draw).toEqual(first.draw);
    expect(first.draw.displacements?.values.length).toBe(3 * 3 * 2);
  });
});
