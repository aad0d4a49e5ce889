import { describe, expect, it } from 'vitest';
import { checkImageSize } from './image_size.js';

describe('checkImageSize', () => {
  const makeError = (message: string) => new RangeError(message);

  it('accepts a row-major array of height * width values', () => {
    expect(() => checkImageSize('file.ts', 'mask', 6, 2, 3, makeError)).not.toThrow();
  });

  it('names the file, the argument and the sizes when they disagree', () => {
    expect(() => checkImageSize('file.ts', 'mask', 5, 2, 3, makeError)).toThrow(
      /^file\.ts: mask has 5 values but height \* width = 2 \* 3 = 6/,
    );
    expect(() => checkImageSize('file.ts', 'mask', 0, 0, 3, makeError)).toThrow(RangeError);
    expect(() => checkImageSize('file.ts', 'mask', 3, 1.5, 2, makeError)).toThrow(/height must be a positive whole number, got 1.5/);
  });
});
