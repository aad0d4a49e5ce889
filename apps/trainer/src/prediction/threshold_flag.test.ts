import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage_error.js';
import { decisionThreshold, parseThreshold } from './threshold_flag.js';

describe('parseThreshold', () => {
  it('reads a probability and leaves an absent flag undefined', () => {
    expect(parseThreshold('0.8')).toBe(0.8);
    expect(parseThreshold('0')).toBe(0);
    expect(parseThreshold(undefined)).toBeUndefined();
  });

  it('refuses what is not a probability', () => {
    for (const text of ['1.5', '-0.1', 'high', '']) expect(() => parseThreshold(text)).toThrow(UsageError);
    expect(() => parseThreshold('1.5')).toThrow(/must be a probability between 0 and 1, got '1.5'/);
  });
});

describe('decisionThreshold', () => {
  it("prefers the flag, then the model's own", () => {
    expect(decisionThreshold(0.3, 0.8, 2)).toBe(0.3);
    expect(decisionThreshold(undefined, 0.8, 2)).toBe(0.8);
    expect(decisionThreshold(undefined, undefined, 2)).toBeUndefined();
  });

  it('refuses a threshold for a model of more than two classes', () => {
    expect(() => decisionThreshold(0.5, undefined, 21)).toThrow(/21 classes/);
  });
});
