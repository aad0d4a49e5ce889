import { presetConfig } from '@unet/model';
import { describe, expect, it } from 'vitest';
import { forwardGflop } from './flops.js';

describe('forwardGflop', () => {
  it('gives the values of torch_unet.py forward_gflop for both presets', () => {
    // Printed by /usr/bin/python3 -c 'import torch_unet as t; print(t.forward_gflop(t.PRESETS[...]))'
    // in ../shared/bench.
    expect(forwardGflop(presetConfig('paper'), 1, 572)).toBeCloseTo(300.856848896, 6);
    expect(forwardGflop(presetConfig('small'), 4, 256)).toBeCloseTo(24.117248, 6);
  });

  it('counts one 3x3 convolution of a one-level network by hand', () => {
    // depth 0: two 3x3 convolutions (1 -> 2 -> 2 channels, 'same', 4x4) and a 1x1 head (2 -> 3).
    const config = { ...presetConfig('small'), depth: 0, baseChannels: 2, classes: 3 };
    const multiplyAdds = 16 * 9 * 1 * 2 + 16 * 9 * 2 * 2 + 16 * 2 * 3;
    expect(forwardGflop(config, 1, 4)).toBeCloseTo((2 * multiplyAdds) / 1e9, 12);
  });
});
