import { describe, expect, it } from 'vitest';
import { createMeasureAccumulator, foregroundKindOf, measureImages } from './segmentation_measures.js';

/** Two-class probabilities `[pixels, 2]` from the foreground probability of each pixel. */
function twoClass(foreground: number[]): Float32Array {
  return Float32Array.from(foreground.flatMap((p) => [1 - p, p]));
}

describe('segmentation measures', () => {
  it('tells membranes (boundaries) from objects by the class name', () => {
    expect(foregroundKindOf(['cell', 'membrane'])).toBe('boundary');
    expect(foregroundKindOf(['background', 'cell'])).toBe('object');
  });

  it('scores a perfect boundary prediction as 0 errors and IoU 1', () => {
    const measures = createMeasureAccumulator({ classNames: ['cell', 'membrane'] });
    measures.add({ probabilities: twoClass([0, 0, 1, 0, 0]), height: 1, width: 5, truth: Int32Array.from([0, 0, 1, 0, 0]) });
    expect(measures.result()).toMatchObject({
      images: 1,
      pixelError: 0,
      randError: 0,
      variationOfInformation: 0,
      iou: { mean: 1 },
      dice: { mean: 1 },
    });
  });

  it('matches a hand-worked merge: the missed membrane joins the two cells', () => {
    // Truth: cell | membrane | cell, in one row of 5. The prediction sees no membrane.
    const measures = createMeasureAccumulator({ classNames: ['cell', 'membrane'] });
    measures.add({ probabilities: twoClass([0, 0, 0, 0, 0]), height: 1, width: 5, truth: Int32Array.from([0, 0, 1, 0, 0]) });
    const result = measures.result();
    // Pixel error, as the challenge's script: the positive class is the cells (label > 0 in its
    // files). Every pixel is called cell at every threshold: TP 4, FP 1 -> F = 8/9.
    expect(result.pixelError).toBeCloseTo(1 / 9, 12);
    // Rand (isbiRandError) over the 4 cell pixels, one predicted region: A = 4 + 4, B = 4^2,
    // P = 2^2 + 2^2 -> 1 - 16 / 24.
    expect(result.randError).toBeCloseTo(1 / 3, 12);
    // VI: H(S|T) = 0 (each true region lies in one predicted), H(T|S) = log 2.
    expect(result.variationOfInformation).toBeCloseTo(Math.log(2), 12);
    // IoU: cell 4/5, membrane 0/1; Dice: cell 8/9, membrane 0.
    expect(result.iou.perClass).toEqual({ cell: 0.8, membrane: 0 });
    expect(result.iou.mean).toBeCloseTo(0.4, 12);
    expect(result.dice.perClass.cell).toBeCloseTo(8 / 9, 12);
  });

  it('takes one threshold for all images, pooling the pixel counts', () => {
    // Two 1x2 images of cell | membrane. Membrane probabilities: image A 0.2 (cell) and 0.6
    // (membrane): separated at cell-probability thresholds in (0.4, 0.8]; image B 0.7 and 0.9:
    // separated in (0.1, 0.3]. No single threshold separates both, so the pooled error is > 0
    // although each image alone scores 0.
    const measures = createMeasureAccumulator({ classNames: ['cell', 'membrane'] });
    const truth = Int32Array.from([0, 1]);
    expect(measures.add({ probabilities: twoClass([0.2, 0.6]), height: 1, width: 2, truth }).pixelError).toBe(0);
    expect(measures.add({ probabilities: twoClass([0.7, 0.9]), height: 1, width: 2, truth }).pixelError).toBe(0);
    const result = measures.result();
    // Best pooled: cell probability >= 0.3 (or anything up to 0.4): A right, B's cell right,
    // B's membrane (cell probability 0.1) right, A's membrane (0.4) wrong -> TP 2, FP 1 -> F 0.8.
    expect(result.atBestThreshold?.pixelError).toBeCloseTo(0.2, 12);
    // The argmax masks: B's cell (membrane 0.7) is called membrane -> TP 1, FN 1 -> F 2/3.
    expect(result.threshold).toBeUndefined();
    expect(result.pixelError).toBeCloseTo(1 / 3, 12);
  });

  it("scores the masks cut at the model's threshold, and names the threshold", () => {
    // As above, with membrane where its probability reaches 0.8: B's cell (0.7) is right now,
    // A's membrane (0.6) is called cell -> TP 2, FP 1 -> F 0.8.
    const measures = createMeasureAccumulator({ classNames: ['cell', 'membrane'], threshold: 0.8 });
    const truth = Int32Array.from([0, 1]);
    measures.add({ probabilities: twoClass([0.2, 0.6]), height: 1, width: 2, truth });
    measures.add({ probabilities: twoClass([0.7, 0.9]), height: 1, width: 2, truth });
    const result = measures.result();
    expect(result.threshold).toBe(0.8);
    expect(result.pixelError).toBeCloseTo(0.2, 12);
    expect(result.atBestThreshold?.pixelError).toBeCloseTo(0.2, 12);
  });

  it('measures images already segmented at another threshold (measureImages), as the hand count says', () => {
    // The two images above at 0.8: TP 2, FP 1 -> F 0.8, pixel error 0.2.
    const truth = Int32Array.from([0, 1]);
    const images = [
      { probabilities: twoClass([0.2, 0.6]), height: 1, width: 2, truth },
      { probabilities: twoClass([0.7, 0.9]), height: 1, width: 2, truth },
    ];
    expect(measureImages(images, { classNames: ['cell', 'membrane'], threshold: 0.8 }).pixelError).toBeCloseTo(0.2, 12);
    expect(measureImages(images, { classNames: ['cell', 'membrane'] }).pixelError).toBeCloseTo(1 / 3, 12);
  });

  it('scores merged touching cells with SEG 0.5 each, from the instances', () => {
    const measures = createMeasureAccumulator({ classNames: ['background', 'cell'] });
    const perImage = measures.add({
      probabilities: twoClass([1, 1, 1, 1, 0]),
      height: 1,
      width: 5,
      truth: Int32Array.from([1, 1, 1, 1, 0]),
      instances: Int32Array.from([1, 1, 2, 2, 0]),
    });
    expect(perImage.seg).toBeCloseTo(0.5, 12);
    expect(measures.result().seg).toBeCloseTo(0.5, 12);
  });

  it('leaves void pixels out of every measure', () => {
    const measures = createMeasureAccumulator({ classNames: ['background', 'object'] });
    measures.add({ probabilities: twoClass([1, 0, 1]), height: 1, width: 3, truth: Int32Array.from([1, 0, 255]) });
    expect(measures.result()).toMatchObject({ pixelError: 0, iou: { mean: 1 } });
  });

  it('rejects a prediction and truth of different sizes', () => {
    const measures = createMeasureAccumulator({ classNames: ['a', 'b'] });
    expect(() => measures.add({ probabilities: twoClass([0, 1]), height: 1, width: 3, truth: Int32Array.from([0, 1, 0]) })).toThrow(
      /differ in size/,
    );
  });
});

describe('measure states', () => {
  it('merge, through JSON, into the result of measuring every image in one accumulator', () => {
    const images = [
      {
        probabilities: twoClass([0.2, 0.6, 0.9, 0.1]),
        height: 2,
        width: 2,
        truth: Int32Array.from([0, 1, 1, 0]),
        instances: Int32Array.from([0, 1, 1, 0]),
      },
      // No object at all in the truth: its Rand error is not finite, and travels as null.
      {
        probabilities: twoClass([0.7, 0.9, 0.3, 0.4]),
        height: 2,
        width: 2,
        truth: Int32Array.from([0, 0, 0, 0]),
        instances: Int32Array.from([0, 0, 0, 0]),
      },
      {
        probabilities: twoClass([0.1, 0.8, 0.8, 0.2]),
        height: 2,
        width: 2,
        truth: Int32Array.from([0, 1, 1, 1]),
        instances: Int32Array.from([0, 1, 1, 2]),
      },
    ];
    const options = { classNames: ['background', 'cell'], threshold: 0.5 };
    const together = createMeasureAccumulator(options);
    for (const image of images) together.add(image);
    const merged = createMeasureAccumulator(options);
    for (const image of images) {
      const alone = createMeasureAccumulator(options);
      alone.add(image);
      merged.merge(JSON.parse(JSON.stringify(alone.state())));
    }
    expect(merged.result()).toEqual(together.result());
    expect(merged.state()).toEqual(together.state());
    expect(together.state().maskRandErrors).toContain(null);
  });

  it('refuse a state of another number of classes', () => {
    const two = createMeasureAccumulator({ classNames: ['background', 'cell'] });
    const three = createMeasureAccumulator({ classNames: ['background', 'cell', 'border'] });
    expect(() => two.merge(three.state())).toThrow(/a state of 3 classes .* cannot merge into one of 2/);
  });
});
