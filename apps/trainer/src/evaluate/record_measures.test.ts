import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordMeasures } from './record_measures.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('recordMeasures', () => {
  it('adds the measures and how they were made to the metadata, keeping the rest of model.json', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'record-'));
    folders.push(folder);
    const file = path.join(folder, 'model.json');
    writeFileSync(
      file,
      JSON.stringify({
        format: 'unet-ts',
        weightsManifest: [{ paths: ['weights.bin'] }],
        userDefinedMetadata: { unet: { config: { depth: 4 }, extra: { classNames: ['cell', 'membrane'], validation: { old: true } } } },
      }),
    );
    const measures = { images: 5, iou: { mean: 0.7, perClass: {} }, dice: { mean: 0.8, perClass: {} }, randError: 0.1 };
    const evaluation = {
      dataset: 'isbi2012-em',
      format: 'isbi',
      samples: '20-24',
      tta: false,
      backend: 'native',
      recordedAt: '2026-11-26T00:00:00.000Z',
    };
    await recordMeasures(file, measures, evaluation);
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(written.weightsManifest).toEqual([{ paths: ['weights.bin'] }]);
    expect(written.userDefinedMetadata.unet.config).toEqual({ depth: 4 });
    expect(written.userDefinedMetadata.unet.extra).toEqual({ classNames: ['cell', 'membrane'], validation: measures, evaluation });
    expect(readdirSync(folder)).toEqual(['model.json']);
  });

  it('refuses a model.json that @unet/model did not write', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'record-'));
    folders.push(folder);
    const file = path.join(folder, 'model.json');
    writeFileSync(file, JSON.stringify({ modelTopology: {} }));
    await expect(
      recordMeasures(
        file,
        { images: 0, iou: { mean: 0, perClass: {} }, dice: { mean: 0, perClass: {} } },
        { dataset: 'x', format: 'folder', samples: 'all', tta: false, backend: 'cpu', recordedAt: '' },
      ),
    ).rejects.toThrow(/no unet metadata/);
  });
});
