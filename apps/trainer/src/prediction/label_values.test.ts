import { describe, expect, it } from 'vitest';
import { defaultLabelMapping } from './label_values.js';

describe('defaultLabelMapping', () => {
  it("writes ISBI masks in the challenge's polarity, other two-class masks as 0/255, more classes as ids", () => {
    expect(defaultLabelMapping('isbi', 2)).toEqual({ values: [255, 0] });
    expect(defaultLabelMapping('ctc', 2)).toEqual({ values: [0, 255] });
    expect(defaultLabelMapping(undefined, 2)).toEqual({ values: [0, 255] });
    expect(defaultLabelMapping('voc', 3)).toEqual({ values: [0, 1, 2] });
  });
});
