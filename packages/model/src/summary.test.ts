import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { presetConfig } from './presets.js';
import { summarizeUNet } from './summary.js';
import { createUNet } from './unet.js';

describe('summarizeUNet', () => {
  beforeAll(() => tf.setBackend('cpu'));

  it("gives the shapes of the paper's figure 1 for a 572x572 tile", () => {
    const model = createUNet(presetConfig('paper'));
    const rows = summarizeUNet(model, [1, 572, 572, 1]);
    // Figure 1 of the paper: 568 (64), 280 (128), 136 (256), 64 (512), 28 (1024) down;
    // 52 (512), 100 (256), 196 (128), 388 (64) up; 388 x 388 x 2 out.
    expect(rows.map((row) => [row.block, row.outputShape[1], row.outputShape[3]])).toEqual([
      ['down0', 568, 64],
      ['down1', 280, 128],
      ['down2', 136, 256],
      ['down3', 64, 512],
      ['down4', 28, 1024],
      ['up3', 52, 512],
      ['up2', 100, 256],
      ['up1', 196, 128],
      ['up0', 388, 64],
      ['head', 388, 2],
    ]);
    expect(rows.reduce((sum, row) => sum + row.parameters, 0)).toBe(31_030_658);
    // First block by hand: 9*1*64 + 64 + 9*64*64 + 64.
    expect(rows[0].parameters).toBe(37_568);
    model.dispose();
  });
});
