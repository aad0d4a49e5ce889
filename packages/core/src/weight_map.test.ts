import { describe, expect, it } from 'vitest';
import { WeightMapError, unetWeightMap, weightMapFromBinaryMask } from './weight_map.js';

/** A height x width image with cell `id` filling rows [r0, r1) and columns [c0, c1). */
function paint(instances: Int32Array, width: number, id: number, r0: number, r1: number, c0: number, c1: number): void {
  for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) instances[r * width + c] = id;
}

const border = (d1: number, d2: number, w0 = 10, sigma = 5) => w0 * Math.exp(-((d1 + d2) ** 2) / (2 * sigma * sigma));

describe('unetWeightMap', () => {
  // 4 x 20 image; cell 1 in columns 0..2, cell 2 in columns 5..7 (a 2-pixel gap, columns 3 and 4),
  // background beyond to column 19.
  const height = 4;
  const width = 20;
  const twoCells = new Int32Array(height * width);
  paint(twoCells, width, 1, 0, 4, 0, 3);
  paint(twoCells, width, 2, 0, 4, 5, 8);
  // 24 cell pixels, 56 background pixels, two classes: w_c = 80 / (2 * count).
  const wcCell = 80 / (2 * 24);
  const wcBackground = 80 / (2 * 56);

  it('gives a gap pixel w_c(background) + w0 exp(-(d1 + d2)^2 / (2 sigma^2))', () => {
    const w = unetWeightMap({ instances: twoCells, height, width });
    // Column 3 is 1 pixel from cell 1 (column 2) and 2 from cell 2 (column 5); column 4 mirrors.
    expect(w[1 * width + 3]).toBeCloseTo(wcBackground + 10 * Math.exp(-9 / 50), 5);
    expect(w[2 * width + 4]).toBeCloseTo(wcBackground + 10 * Math.exp(-9 / 50), 5);
  });

  it('gives d1 = d2 = 1 in a 1-pixel gap: w_c + 10 exp(-4/50)', () => {
    const instances = new Int32Array(3 * 7);
    paint(instances, 7, 1, 0, 3, 0, 3);
    paint(instances, 7, 2, 0, 3, 4, 7);
    const w = unetWeightMap({ instances, height: 3, width: 7 });
    // 18 cell pixels, 3 gap pixels.
    expect(w[1 * 7 + 3]).toBeCloseTo(21 / (2 * 3) + 10 * Math.exp(-4 / 50), 5);
  });

  it('lets the border term fall off far from the cells', () => {
    const w = unetWeightMap({ instances: twoCells, height, width });
    // Row 0, column 19: 17 from cell 1 (column 2), 12 from cell 2 (column 7).
    expect(w[19]).toBeCloseTo(wcBackground + border(12, 17), 6);
    expect(w[19]! - wcBackground).toBeLessThan(1e-3);
  });

  it('gives cell pixels w_c only', () => {
    const w = unetWeightMap({ instances: twoCells, height, width });
    for (let i = 0; i < twoCells.length; i++) if (twoCells[i]! > 0) expect(w[i]).toBeCloseTo(wcCell, 6);
  });

  it('has a w_c whose mean over the image is 1', () => {
    const w = unetWeightMap({ instances: twoCells, height, width, w0: 0 });
    expect(w.reduce((sum, value) => sum + value, 0) / w.length).toBeCloseTo(1, 6);
  });

  it('adds no border term when there is only one cell', () => {
    const instances = new Int32Array(height * width);
    paint(instances, width, 7, 0, 4, 0, 3);
    const w = unetWeightMap({ instances, height, width });
    const wcOne = 80 / (2 * 68);
    for (let i = 0; i < instances.length; i++) expect(w[i]).toBeCloseTo(instances[i]! > 0 ? 80 / (2 * 12) : wcOne, 6);
  });

  it('makes w_c = 1 with classBalance false', () => {
    const w = unetWeightMap({ instances: twoCells, height, width, classBalance: false });
    expect(w[0]).toBe(1);
    expect(w[1 * width + 3]).toBeCloseTo(1 + 10 * Math.exp(-9 / 50), 5);
    expect(w[19]).toBeCloseTo(1 + border(12, 17), 6);
  });

  it('balances the classes it is given and honours w0 and sigma', () => {
    // 1 x 4: classes 0, 0, 0, 3 with no cells: w_c = 4 / (2 * 3) and 4 / (2 * 1).
    const w = unetWeightMap({
      instances: new Int32Array(4),
      classes: new Int32Array([0, 0, 0, 3]),
      height: 1,
      width: 4,
    });
    expect(Array.from(w).map((x) => Number(x.toFixed(6)))).toEqual([0.666667, 0.666667, 0.666667, 2]);
    const custom = unetWeightMap({ instances: twoCells, height, width, w0: 3, sigma: 2, classBalance: false });
    expect(custom[1 * width + 3]).toBeCloseTo(1 + border(1, 2, 3, 2), 5);
  });

  it('rejects wrong lengths and bad w0 or sigma, naming the value', () => {
    expect(() => unetWeightMap({ instances: new Int32Array(5), height: 2, width: 3 })).toThrow(WeightMapError);
    expect(() => unetWeightMap({ instances: new Int32Array(6), classes: new Int32Array(4), height: 2, width: 3 })).toThrow(
      /classes has 4 values/,
    );
    expect(() => unetWeightMap({ instances: new Int32Array(6), height: 2, width: 3, sigma: 0 })).toThrow(/sigma must be .* got 0/);
    expect(() => unetWeightMap({ instances: new Int32Array(6), height: 2, width: 3, w0: -1 })).toThrow(/w0 must be .* got -1/);
  });
});

describe('weightMapFromBinaryMask', () => {
  it('finds the cells of a binary mask and matches the instance-labelled map', () => {
    const height = 4;
    const width = 20;
    const instances = new Int32Array(height * width);
    paint(instances, width, 1, 0, 4, 0, 3);
    paint(instances, width, 2, 0, 4, 5, 8);
    const mask = new Uint8Array(instances.map((id) => (id > 0 ? 255 : 0)));
    const fromMask = weightMapFromBinaryMask(mask, height, width);
    const fromInstances = unetWeightMap({ instances, height, width });
    expect(Array.from(fromMask)).toEqual(Array.from(fromInstances));
    expect(fromMask[1 * width + 3]).toBeCloseTo(80 / (2 * 56) + 10 * Math.exp(-9 / 50), 5);
  });

  it('passes its options through', () => {
    const mask = new Uint8Array([1, 0, 1]);
    const w = weightMapFromBinaryMask(mask, 1, 3, { classBalance: false, w0: 2, sigma: 1 });
    expect(w[1]).toBeCloseTo(1 + 2 * Math.exp(-4 / 2), 6);
    expect(w[0]).toBe(1);
  });

  it('rejects a mask of the wrong length', () => {
    expect(() => weightMapFromBinaryMask(new Uint8Array(5), 2, 3)).toThrow(/mask has 5 values/);
  });
});
