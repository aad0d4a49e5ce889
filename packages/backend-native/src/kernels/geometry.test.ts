import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { geometryHeader } from '../../scripts/generate_geometry_header.mjs';
import { nativeAddonStatus } from '../addon_status.js';
import { convolutionParameters, geometryFields, poolingParameters } from './parameters.js';

const specText = readFileSync(new URL('./geometry.json', import.meta.url), 'utf8');

// The values of an Int32Array by field name, as geometry.json orders them.
function byName(fields: readonly string[], values: Int32Array): Record<string, number> {
  expect(values.length).toBe(fields.length);
  return Object.fromEntries(fields.map((field, index) => [field, values[index]]));
}

describe('the geometry the addon reads, declared once in geometry.json', () => {
  it('writes a convolution geometry in geometry.json order (hand-computed case)', () => {
    // x [2, 9, 8, 3], filter [3, 2, 3, 5], strides [2, 1], 'same': out 5 x 8, padding 1/1 rows
    // (2 in total: (5 - 1) * 2 + 3 - 9 = 2) and 0/1 columns ((8 - 1) * 1 + 2 - 8 = 1, the extra after).
    const info = tf.backend_util.computeConv2DInfo([2, 9, 8, 3], [3, 2, 3, 5], [2, 1], 1, 'same', undefined, false, 'channelsLast');
    expect(byName(geometryFields.convolution, convolutionParameters(info))).toEqual({
      batch: 2,
      inHeight: 9,
      inWidth: 8,
      inChannels: 3,
      outHeight: 5,
      outWidth: 8,
      outChannels: 5,
      filterHeight: 3,
      filterWidth: 2,
      strideHeight: 2,
      strideWidth: 1,
      dilationHeight: 1,
      dilationWidth: 1,
      padTop: 1,
      padLeft: 0,
      padBottom: 1,
      padRight: 1,
    });
  });

  it('writes a pooling geometry in geometry.json order (hand-computed case)', () => {
    const info = tf.backend_util.computePool2DInfo([1, 6, 4, 7], [2, 2], [2, 2], 1, 'valid');
    expect(byName(geometryFields.pooling, poolingParameters(info))).toEqual({
      batch: 1,
      inHeight: 6,
      inWidth: 4,
      channels: 7,
      outHeight: 3,
      outWidth: 2,
      filterHeight: 2,
      filterWidth: 2,
      strideHeight: 2,
      strideWidth: 2,
      dilationHeight: 1,
      dilationWidth: 1,
      padTop: 0,
      padLeft: 0,
    });
  });

  it('generates a header whose X-macros list the fields in order', () => {
    const header = geometryHeader({ convolution: ['batch', 'inHeight'], pooling: ['channels'] });
    expect(header).toContain('#define UNET_CONVOLUTION_FIELDS(FIELD) FIELD(batch) FIELD(inHeight)\n');
    expect(header).toContain('#define UNET_CONVOLUTION_FIELD_COUNT 2\n');
    expect(header).toContain('#define UNET_POOLING_FIELDS(FIELD) FIELD(channels)\n');
    expect(() => geometryHeader({ convolution: ['pad top'] })).toThrow(
      /geometry\.json: "convolution" must be a non-empty list of identifiers/,
    );
  });

  it('is what the built addon was compiled with (its header came from the same file)', (context) => {
    const status = nativeAddonStatus();
    if (!status.available) {
      context.skip(`the addon is not available: ${status.reason}`);
      return;
    }
    const spec = JSON.parse(specText) as { convolution: string[]; pooling: string[] };
    expect(status.addon.geometryFields()).toEqual({ convolution: spec.convolution, pooling: spec.pooling });
  });
});
