import { describe, expect, it } from 'vitest';
import { pickDecisionThreshold } from './decision_threshold.js';
import type { SegmentationMeasures } from './segmentation_measures.js';

const measures: SegmentationMeasures = {
  images: 5,
  iou: { mean: 0.7, perClass: {} },
  dice: { mean: 0.8, perClass: {} },
  atBestThreshold: { pixelError: 0.05, pixelThreshold: 0.15, randError: 0.08, randThreshold: 0.8, variationOfInformation: 0.5 },
};

describe('pickDecisionThreshold', () => {
  it("takes the Rand error's threshold for a run monitored by Rand error or VI", () => {
    expect(pickDecisionThreshold(measures, 'randError', 'boundary')).toBe(0.8);
    expect(pickDecisionThreshold(measures, 'variationOfInformation', 'boundary')).toBe(0.8);
  });

  it("takes the pixel F-score's threshold otherwise, turned to class 1's probability for a boundary task", () => {
    expect(pickDecisionThreshold(measures, 'pixelError', 'boundary')).toBe(0.85);
    expect(pickDecisionThreshold(measures, 'iou', 'object')).toBe(0.15);
    expect(pickDecisionThreshold(measures, 'seg', 'object')).toBe(0.15);
  });

  it('makes no choice without two classes', () => {
    expect(pickDecisionThreshold({ ...measures, atBestThreshold: undefined }, 'iou', 'object')).toBeUndefined();
  });
});
