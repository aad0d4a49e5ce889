import { describe, expect, it } from 'vitest';
import { classChannel } from './class_channel.js';

describe('classChannel', () => {
  it('takes every classes-th value, starting at the class', () => {
    const probabilities = Float32Array.from([0.7, 0.2, 0.1, 0.25, 0.25, 0.5]);
    expect(Array.from(classChannel(probabilities, 2, 3, 0))).toEqual([Math.fround(0.7), 0.25]);
    expect(Array.from(classChannel(probabilities, 2, 3, 2))).toEqual([Math.fround(0.1), 0.5]);
  });
});
