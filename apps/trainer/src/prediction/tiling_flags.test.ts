import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage_error.js';
import { tilingOptions } from './tiling_flags.js';

describe('tilingOptions', () => {
  it("takes the model's tile and segmentImage's own margin when no flag is given", () => {
    expect(tilingOptions({}, 256)).toEqual({ outputTileSize: 256, blend: 'none' });
    expect(tilingOptions({}, undefined)).toEqual({ blend: 'none' });
  });

  it('passes --tile, --context-margin (0 included) and --blend through', () => {
    expect(tilingOptions({ tile: '128', 'context-margin': '0', blend: 'gaussian' }, 256)).toEqual({
      outputTileSize: 128,
      contextMargin: 0,
      blend: 'gaussian',
    });
    expect(tilingOptions({ 'context-margin': '32' }, 256)).toEqual({ outputTileSize: 256, contextMargin: 32, blend: 'none' });
  });

  it('names the flag and what it takes when a value is wrong', () => {
    expect(() => tilingOptions({ tile: '0' }, 256)).toThrow(new UsageError("--tile: expected a whole number >= 1, got '0'"));
    expect(() => tilingOptions({ 'context-margin': '-16' }, 256)).toThrow(/--context-margin: expected a whole number >= 0, got '-16'/);
    expect(() => tilingOptions({ 'context-margin': '' }, 256)).toThrow(/--context-margin/);
    expect(() => tilingOptions({ tile: '1.5' }, 256)).toThrow(/--tile/);
    expect(() => tilingOptions({ blend: 'average' }, 256)).toThrow(/--blend: must be none or gaussian, got 'average'/);
  });
});
