import { describe, expect, it } from 'vitest';
import { inputPatchOffset, patchReads, rowMajorReads } from './convolution_operand_reads.js';

// inputPatchOffset's WGSL as a JavaScript function: its i32 `/` truncates (its `%` is JavaScript's).
function evaluateInputPatchOffset(uniforms: object): (pixel: number, tap: number) => number {
  const body = inputPatchOffset
    .replace(/fn inputPatchOffset\(pixel : i32, tap : i32\) -> i32/, '')
    .replace(/(\w+) \/ (uniforms\.\w+(?:\.[xy])?)/g, 'Math.trunc($1 / $2)');
  return new Function('uniforms', `return (pixel, tap) => ${body};`)(uniforms);
}

describe('inputPatchOffset', () => {
  it('finds each tap of an output pixel in x, and -1 in the padding (hand-computed case)', () => {
    // x [2, 5, 4, 3], a 3 x 2 filter, stride 2 x 1, padding 1 row on top and none on the left,
    // dilation 1 x 2, y [2, 3, 2, outChannels].
    const offset = evaluateInputPatchOffset({
      inChannels: 3,
      filterDims: { x: 3, y: 2 },
      outDims: { x: 3, y: 2 },
      inDims: { x: 5, y: 4 },
      stride: { x: 2, y: 1 },
      padding: { x: 1, y: 0 },
      dilation: { x: 1, y: 2 },
    });
    // Output pixel (b 1, oy 2, ox 1) = 1 x 6 + 2 x 2 + 1 = 11, tap (kh 2, kw 1, ci 2) = 2 x 6 + 1 x 3 + 2 = 17:
    // iy = 2 x 2 - 1 + 2 = 5, outside x's 5 rows.
    expect(offset(11, 17)).toBe(-1);
    // Tap (kh 1, kw 1, ci 2) = 11: iy = 4, ix = 1 + 2 = 3, offset ((1 x 5 + 4) x 4 + 3) x 3 + 2 = 119.
    expect(offset(11, 11)).toBe(119);
    // Output pixel (0, 0, 0), tap (kh 0, ...): iy = -1, in the padding.
    expect(offset(0, 0)).toBe(-1);
    // Tap (kh 1, kw 0, ci 1) = 7 of output pixel (0, 1, 0) = 2: iy = 2, ix = 0, offset (2 x 4) x 3 + 1 = 25.
    expect(offset(2, 7)).toBe(25);
  });
});

describe('patchReads and rowMajorReads', () => {
  it('read the buffer they are given, by element and by vec4', () => {
    const patches = patchReads('dy');
    expect(patches.readA).toContain('fn readA(m : i32, k : i32, kEnd : i32) -> f32');
    expect(patches.readA).toContain('return dy[offset];');
    expect(patches.readA4).toContain('fn readA4(m : i32, k : i32, kEnd : i32) -> vec4<f32>');
    expect(patches.readA4).toContain('return dy[offset / 4];');
    const rows = rowMajorReads('W');
    expect(rows.readB).toContain('return W[k * uniforms.dimN + n];');
    expect(rows.readB4).toContain('return W[(k * uniforms.dimN + n) / 4];');
  });
});
