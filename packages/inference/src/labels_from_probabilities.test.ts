import { describe, expect, it } from 'vitest';
import { SegmentImageError } from './errors.js';
import { labelsFromProbabilities } from './labels_from_probabilities.js';

describe('labelsFromProbabilities', () => {
  it('takes the most probable class, the first on ties', () => {
    const probabilities = Float32Array.from([0.2, 0.5, 0.3, 0.6, 0.2, 0.2, 0.4, 0.4, 0.2, 0.1, 0.1, 0.8]);
    expect(Array.from(labelsFromProbabilities(probabilities, 2, 2, 3))).toEqual([1, 0, 0, 2]);
  });

  it('thresholds a 1-class map', () => {
    expect(Array.from(labelsFromProbabilities(Float32Array.from([0.2, 0.5, 0.7]), 1, 3, 1))).toEqual([0, 1, 1]);
    expect(Array.from(labelsFromProbabilities(Float32Array.from([0.2, 0.5, 0.7]), 1, 3, 1, { threshold: 0.6 }))).toEqual([0, 0, 1]);
  });

  it('puts a two-class pixel in class 1 where its probability reaches the threshold, else takes the argmax', () => {
    // class-1 probabilities 0.3, 0.6, 0.8, 0.9 (each pixel: [p0, p1])
    const probabilities = Float32Array.from([0.7, 0.3, 0.4, 0.6, 0.2, 0.8, 0.1, 0.9]);
    expect(Array.from(labelsFromProbabilities(probabilities, 2, 2, 2))).toEqual([0, 1, 1, 1]);
    expect(Array.from(labelsFromProbabilities(probabilities, 2, 2, 2, { threshold: 0.8 }))).toEqual([0, 0, 1, 1]);
    expect(Array.from(labelsFromProbabilities(probabilities, 2, 2, 2, { threshold: 0.25 }))).toEqual([1, 1, 1, 1]);
  });

  it('refuses a threshold that is not a probability', () => {
    expect(() => labelsFromProbabilities(new Float32Array(8), 2, 2, 2, { threshold: 1.5 })).toThrow(/threshold 1.5 is not a probability/);
  });

  it('rejects a length that does not match', () => {
    expect(() => labelsFromProbabilities(new Float32Array(5), 2, 2, 1)).toThrow(SegmentImageError);
  });
});
