import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedDatasetsRoot } from '@unet/test-utils';
import { describe, expect, it } from 'vitest';

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

describe('the shipped models', () => {
  it('isbi2012-em loads and reproduces its recorded measures on slices 20-24 (skips without ../shared)', async (context) => {
    if (sharedDatasetsRoot === undefined) context.skip();
    const folder = path.join(models, 'isbi2012-em');
    expect(existsSync(path.join(folder, 'model.json'))).toBe(true);
    const recorded = JSON.parse(readFileSync(path.join(folder, 'model.json'), 'utf8')).userDefinedMetadata.unet.extra.validation;
    const result = await unet('eval', '--model', folder, '--data', path.join(sharedDatasetsRoot!, 'isbi2012-em'), '--format', 'isbi', '--samples', '20-24', '--json');
    expect(result.code, result.stderr).toBe(0);
    const measured = JSON.parse(result.stdout);
    // Recorded on WebGPU (an H100); float32 sums differ across backends, so a pixel near 0.5
    // may flip. The figures must agree to within what such flips can move them.
    for (const name of ['pixelError', 'randError', 'variationOfInformation'] as const) {
      expect(measured[name], name).toBeCloseTo(recorded[name], 2);
    }
    expect(measured.iou.perClass.membrane).toBeCloseTo(recorded.iou.perClass.membrane, 2);
  }, 240_000);
});
