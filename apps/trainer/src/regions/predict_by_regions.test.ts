import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { modelMetadata } from '@unet/model';
import { afterAll, describe, expect, it } from 'vitest';
import { saveTinyModel, writeTinyImages } from '../jobs/__fixtures__/tiny_segmentation.js';
import { openModel } from '../prediction/model_files.js';
import type { RedrawnLine } from '../progress/redrawn_line.js';
import { predictByRegions } from './predict_by_regions.js';

const work = mkdtempSync(path.join(tmpdir(), 'unet-predict-regions-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('predictByRegions', () => {
  it('shows the rows done after each band of tiles, the last as the last, ends the line, and says where the mask went', async () => {
    const [image] = await writeTinyImages(path.join(work, 'images'), 1, 72);
    const folder = await saveTinyModel(path.join(work, 'model'));
    await tf.setBackend('cpu');
    const model = await openModel(folder);
    const shown: { line: string; last: boolean }[] = [];
    let ended = 0;
    const progress: RedrawnLine = {
      show: (line, _seconds, last) => shown.push({ line, last }),
      message: () => undefined,
      done: () => ended++,
    };
    const out = path.join(work, 'out');
    const line = await predictByRegions(
      model,
      modelMetadata(model, folder),
      image!,
      out,
      { outputTileSize: 32, contextMargin: 16, tta: false },
      progress,
    );
    model.dispose();
    expect(line).toMatch(new RegExp(`${image}: 72x72 region by region in [\\d.]+ s -> ${path.join(out, 'img_000.tif')}`));
    // 72 rows in bands of 32 tile rows: 32, 64, then the cut last band.
    expect(shown.map((entry) => /rows (\d+)\/72/.exec(entry.line)?.[1])).toEqual(['32', '64', '72']);
    expect(shown.map((entry) => entry.last)).toEqual([false, false, true]);
    expect(shown[0]!.line.startsWith(`${image}: rows 32/72 [`)).toBe(true);
    expect(ended).toBe(1);
  });
});
