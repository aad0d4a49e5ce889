import { describe, expect, it } from 'vitest';
import { DEFAULT_CLASS_COLOURS } from '@unet/model';
import { imageToRgba, overlayMask, sideBySide } from './overlay.js';

describe('overlay', () => {
  const gray = { data: new Float32Array([0, 0.5, 1, 2]), height: 2, width: 2, channels: 1 };

  it('turns a gray float image into opaque RGBA, clamping to [0, 1]', () => {
    expect(Array.from(imageToRgba(gray).data)).toEqual([0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 255, 255, 255, 255]);
  });

  it('blends class colours at the opacity, leaving background and ignored pixels clear', () => {
    const result = overlayMask(imageToRgba(gray), [0, 1, 255, 2], { opacity: 0.5 });
    expect(Array.from(result.data.subarray(0, 4))).toEqual([0, 0, 0, 255]);
    const [red, green, blue] = DEFAULT_CLASS_COLOURS[0];
    expect(Array.from(result.data.subarray(4, 8))).toEqual([
      Math.round(64 + red / 2),
      Math.round(64 + green / 2),
      Math.round(64 + blue / 2),
      255,
    ]);
    expect(Array.from(result.data.subarray(8, 12))).toEqual([255, 255, 255, 255]);
    expect(result.data[12]).toBe(Math.round(127.5 + DEFAULT_CLASS_COLOURS[1][0] / 2));
  });

  it("takes the model's colours by class id", () => {
    const result = overlayMask(imageToRgba(gray), [2, 0, 0, 0], {
      colours: [
        [0, 0, 0],
        [1, 1, 1],
        [200, 100, 0],
      ],
      opacity: 1,
    });
    expect(Array.from(result.data.subarray(0, 4))).toEqual([200, 100, 0, 255]);
  });

  it('rejects a mask of the wrong size', () => {
    expect(() => overlayMask(imageToRgba(gray), [0, 1, 0])).toThrow(/3 pixels, the image 2x2/);
  });

  it('puts panels side by side with a white gap', () => {
    const panel = imageToRgba({ data: new Float32Array([0]), height: 1, width: 1, channels: 1 });
    const joined = sideBySide([panel, panel], 2);
    expect(joined.width).toBe(4);
    expect(Array.from(joined.data)).toEqual([0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 255]);
  });
});
