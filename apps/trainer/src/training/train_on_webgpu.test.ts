import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDawn, vulkanEnvironment } from '@unet/test-utils';
import { describe, expect, it } from 'vitest';
import { writeTinyDataset } from '../jobs/__fixtures__/tiny_segmentation.js';

// Without a GPU, Dawn runs on SwiftShader (@unet/test-utils' vulkanDriver): slow, but the same
// WGSL as on a GPU. Skipped, saying why, where Dawn finds no adapter.
const dawn = await openDawn();
const skipReason = 'unavailable' in dawn ? dawn.unavailable : undefined;
if (skipReason !== undefined) console.warn(`train_on_webgpu.test: the webgpu training run is skipped: ${skipReason}`);
const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli.js');
const work = mkdtempSync(path.join(tmpdir(), 'unet-train-webgpu-'));

function unet(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { timeout: 300_000, cwd: work, maxBuffer: 1 << 24, env: { ...process.env, ...vulkanEnvironment() } },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });
}

const data = path.join(work, 'data');
// 5 images of 32 x 32 px, one of them held out: validation on a software adapter takes seconds, not minutes.
const tinyRun = [
  '--data',
  data,
  '--format',
  'folder',
  '--steps',
  '2',
  '--tile',
  '16',
  '--batch',
  '2',
  '--val-every',
  '2',
  '--checkpoint-every',
  '2',
  '--backend',
  'webgpu',
];

function stepLosses(run: string): number[] {
  return readFileSync(path.join(run, 'log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
    .filter((record) => record.type === 'step')
    .map((record) => record.loss);
}

describe.skipIf(skipReason !== undefined)('unet train --backend webgpu augments its tiles on the GPU', () => {
  it("by default; without augmentation its tiles are the CPU pipeline's bit for bit, and so are the step losses", async () => {
    await writeTinyDataset(data);
    // Without augmentation every tile is a whole-pixel copy, which the GPU makes exactly (with it,
    // a label where the nearest source pixel is a tie may differ, and moves the loss of a 16 px tile).
    const gpu = await unet('train', ...tinyRun, '--augment', 'none', '--out', path.join(work, 'gpu'));
    if (gpu.code !== 0) throw new Error(`unet train on webgpu failed:\n${gpu.stderr}\n${gpu.stdout}`);
    expect(gpu.stdout).toMatch(/batches: augmented on the GPU/);
    const cpu = await unet('train', ...tinyRun, '--augment', 'none', '--augment-on', 'cpu', '--out', path.join(work, 'cpu'));
    if (cpu.code !== 0) throw new Error(`unet train --augment-on cpu failed:\n${cpu.stderr}\n${cpu.stdout}`);
    expect(cpu.stdout).toMatch(/batches: augmented on the CPU/);
    for (const [name, madeOn] of [
      ['gpu', 'gpu'],
      ['cpu', 'cpu'],
    ]) {
      const config = JSON.parse(readFileSync(path.join(work, name!, 'config.json'), 'utf8'));
      expect(config.batches.madeOn).toBe(madeOn);
    }
    const onGpu = stepLosses(path.join(work, 'gpu'));
    expect(onGpu).toHaveLength(2);
    expect(onGpu.every(Number.isFinite)).toBe(true);
    expect(onGpu).toEqual(stepLosses(path.join(work, 'cpu')));
  }, 600_000);
});

describe('unet train --augment-on gpu elsewhere', () => {
  it('is a usage error that says to add --backend webgpu', async () => {
    const result = await unet('train', '--steps', '1', '--backend', 'cpu', '--augment-on', 'gpu', '--out', path.join(work, 'refused'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--augment-on gpu needs the webgpu backend, and this run is on cpu: add --backend webgpu/);
  });
});
