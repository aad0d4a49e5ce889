import { describe, expect, it } from 'vitest';
import { transposeArray } from './transpose_array.js';
import { convolutionKernelFromOnnx, convolutionKernelToOnnx } from './weight_layout.js';

describe('transposeArray', () => {
  it('transposes a hand-written 2x3 matrix', () => {
    const { values, shape } = transposeArray(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], [1, 0]);
    expect(shape).toEqual([3, 2]);
    expect([...values]).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('moves each element of a 4-d array to the permuted index', () => {
    const shape = [2, 3, 4, 5];
    const values = Float32Array.from({ length: 120 }, (_, index) => index);
    const permutation = [2, 3, 1, 0];
    const result = transposeArray(values, shape, permutation);
    expect(result.shape).toEqual([4, 5, 3, 2]);
    // Element [a, b, c, d] of the input is element [c, d, b, a] of the output.
    for (const [a, b, c, d] of [
      [0, 0, 0, 0],
      [1, 2, 3, 4],
      [1, 0, 2, 3],
      [0, 1, 3, 0],
    ]) {
      expect(result.values[((c * 5 + d) * 3 + b) * 2 + a]).toBe(values[((a * 3 + b) * 4 + c) * 5 + d]);
    }
  });

  it('rejects a shape that does not hold the values, naming both', () => {
    expect(() => transposeArray(new Float32Array(5), [2, 3], [1, 0])).toThrow(/5 values cannot have shape \[2,3\]/);
  });
});

describe('convolution kernel layout', () => {
  it("puts our [kh, kw, in, out] element at ONNX's [out, in, kh, kw] and back", () => {
    const kernel = { values: Float32Array.from({ length: 3 * 3 * 2 * 4 }, (_, index) => index), shape: [3, 3, 2, 4] };
    const onnx = convolutionKernelToOnnx(kernel);
    expect(onnx.shape).toEqual([4, 2, 3, 3]);
    // ours[1, 2, 1, 3] = ((1 * 3 + 2) * 2 + 1) * 4 + 3 = 47; ONNX [3, 1, 1, 2].
    expect(onnx.values[((3 * 2 + 1) * 3 + 1) * 3 + 2]).toBe(47);
    expect(convolutionKernelFromOnnx(onnx)).toEqual(kernel);
  });
});
