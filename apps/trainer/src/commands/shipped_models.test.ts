import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedDatasetsRoot } from '@unet/test-utils';
import { describe, expect, it } from 'vitest';
import type { EvaluationRecord } from '../evaluate/record_measures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '..', '..', 'dist', 'cli.js');
const models = path.resolve(here, '..', '..', '..', '..', 'models');

function unet(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { timeout: 240_000, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

interface Recorded {
  validation: Record<string, unknown> & { iou: { mean: number } };
  evaluation?: EvaluationRecord;
}

const shipped = existsSync(models) ? readdirSync(models).filter((name) => existsSync(path.join(models, name, 'model.json'))) : [];

describe('the shipped models', () => {
  it('are there: models/isbi2012-em (the demo default) and models/dic-hela', () => {
    expect(shipped).toEqual(expect.arrayContaining(['isbi2012-em', 'dic-hela']));
  });

  for (const name of shipped) {
    it(`${name} loads and reproduces the measures recorded in it (skips without ../shared)`, async (context) => {
      const recorded = JSON.parse(readFileSync(path.join(models, name, 'model.json'), 'utf8')).userDefinedMetadata.unet.extra as Recorded;
      // Every shipped model says how its figures were made (unet eval --record).
      expect(recorded.evaluation, `${name}: no evaluation record; make one with unet eval --record`).toBeDefined();
      if (sharedDatasetsRoot === undefined) context.skip('../shared/datasets is absent (a fresh clone has none)');
      const { dataset, format, samples, split, tta, tile, contextMargin, blend } = recorded.evaluation!;
      const args = [
        'eval',
        '--model',
        path.join(models, name),
        '--data',
        path.join(sharedDatasetsRoot!, dataset),
        '--format',
        format,
        '--json',
      ];
      if (samples !== 'all') args.push('--samples', samples);
      if (split !== undefined) args.push('--split', split);
      if (tta) args.push('--tta');
      if (tile !== undefined) args.push('--tile', String(tile));
      if (contextMargin !== undefined) args.push('--context-margin', String(contextMargin));
      if (blend !== undefined) args.push('--blend', blend);
      const result = await unet(...args);
      expect(result.code, result.stderr).toBe(0);
      const measured = JSON.parse(result.stdout);
      // float32 sums differ a little across backends and thread counts, so a pixel near a
      // threshold may flip; the figures must agree to what such flips can move them.
      for (const measure of ['pixelError', 'randError', 'variationOfInformation', 'seg'] as const) {
        if (recorded.validation[measure] !== undefined)
          expect(measured[measure], measure).toBeCloseTo(recorded.validation[measure] as number, 2);
      }
      expect(measured.iou.mean).toBeCloseTo(recorded.validation.iou.mean, 2);
    }, 240_000);
  }
});
