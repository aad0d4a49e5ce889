import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { linePlotSvg, logTicks, niceTicks } from './line_plot.js';

describe('niceTicks', () => {
  it('gives round steps covering the range', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3, 97)).toEqual([20, 40, 60, 80]);
    expect(niceTicks(2, 2)).toEqual([2]);
  });
});

describe('logTicks', () => {
  it('puts a log axis at 1, 2 and 5 times powers of ten', () => {
    expect(logTicks(Math.log10(0.15), Math.log10(1.2)).map((tick) => Number((10 ** tick).toPrecision(6)))).toEqual([0.2, 0.5, 1]);
  });
});

describe('linePlotSvg', () => {
  it('draws each series as a path that sharp renders, with escaped text', async () => {
    const svg = linePlotSvg(
      [
        {
          name: 'train <loss>',
          points: [
            [0, 1],
            [10, 0.5],
            [20, 0.25],
          ],
        },
        {
          name: 'validation',
          points: [
            [10, 0.6],
            [20, Number.NaN],
          ],
        },
      ],
      { title: 'loss & more', xLabel: 'step', logY: true, width: 320, height: 200 },
    );
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('train &#60;loss&#62;');
    expect(svg).toContain('loss &#38; more');
    const { info } = await sharp(Buffer.from(svg)).png().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([320, 200]);
  });

  it('says so when there is nothing to draw', () => {
    expect(linePlotSvg([{ name: 'x', points: [] }], { title: 't', xLabel: 'step' })).toContain('no data yet');
  });
});
