import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

type Numeric = tf.Tensor | ArrayLike<number>;

function toArray(value: Numeric): Float64Array {
  if (value instanceof tf.Tensor) return Float64Array.from(value.dataSync());
  return Float64Array.from(value);
}

/** The largest |a - b| over all elements; the inputs must have the same length. */
export function maxAbsoluteDifference(actual: Numeric, expected: Numeric): number {
  const a = toArray(actual);
  const b = toArray(expected);
  expect(a.length, 'element count').toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const difference = Math.abs(a[i] - b[i]);
    if (!(difference <= worst)) worst = Number.isNaN(difference) ? Infinity : difference;
  }
  return worst;
}

/**
 * Expects |actual - expected| <= absoluteTolerance + relativeTolerance * |expected| elementwise.
 * The relative term lets float32 results of large magnitude differ in their last bits across
 * backends without hiding real errors in small values.
 */
export function expectArraysClose(actual: Numeric, expected: Numeric, absoluteTolerance = 1e-5, relativeTolerance = 0): void {
  const a = toArray(actual);
  const b = toArray(expected);
  expect(a.length, 'element count').toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    const allowed = absoluteTolerance + relativeTolerance * Math.abs(b[i]);
    const difference = Math.abs(a[i] - b[i]);
    if (!(difference <= allowed)) {
      expect.fail(`element ${i}: ${a[i]} differs from ${b[i]} by ${difference} (allowed ${allowed})`);
    }
  }
}

/** Like expectArraysClose, and the shapes must match too. */
export function expectTensorsClose(
  actual: tf.Tensor,
  expected: tf.Tensor | { shape: number[]; values: ArrayLike<number> },
  absoluteTolerance = 1e-5,
  relativeTolerance = 0,
): void {
  const expectedShape = expected instanceof tf.Tensor ? expected.shape : expected.shape;
  expect(actual.shape, 'shape').toEqual(expectedShape);
  const expectedValues = expected instanceof tf.Tensor ? expected : expected.values;
  expectArraysClose(actual, expectedValues, absoluteTolerance, relativeTolerance);
}
