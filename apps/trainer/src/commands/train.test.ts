import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, unet, writeTinyDataset } from '../jobs/__fixtures__/tiny_segmentation.js';

const work = mkdtempSync(path.join(tmpdir(), 'unet-train-lock-'));
const data = path.join(work, 'data');
const run = path.join(work, 'run');
const quick = [
  '--data',
  data,
  '--format',
  'folder',
  '--tile',
  '32',
  '--batch',
  '1',
  '--val-every',
  '1000',
  '--checkpoint-every',
  '1',
  '--workers',
  '0',
  '--backend',
  'wasm',
];

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('unet train holds OUT/trainer.lock while it trains', () => {
  it('refuses a second trainer of the same folder, naming the holder; a killed holder does not block the --resume after it', async () => {
    await writeTinyDataset(data);
    const first = spawn(process.execPath, [cli, 'train', ...quick, '--steps', '10000', '--out', run], { stdio: 'ignore' });
    const exited = new Promise((resolve) => first.once('exit', resolve));
    const checkpoints = path.join(run, 'checkpoints');
    try {
      while (!(existsSync(checkpoints) && readdirSync(checkpoints).some((name) => name.startsWith('step-')))) {
        if (first.exitCode !== null) throw new Error(`the first unet train ended with ${first.exitCode}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const holder = JSON.parse(readFileSync(path.join(run, 'trainer.lock'), 'utf8'));
      expect(holder.pid).toBe(first.pid);

      const second = await unet(['train', ...quick, '--steps', '3', '--out', run, '--resume']);
      expect(second.code).toBe(2);
      expect(second.stderr).toContain(`is being trained by pid ${first.pid}`);
      expect(second.stderr).toMatch(/wait for it to end, or remove that file if the process is gone/);
    } finally {
      first.kill('SIGKILL');
      await exited;
    }
    // Its lock is left behind, naming a process that is gone: the next trainer takes it over.
    expect(existsSync(path.join(run, 'trainer.lock'))).toBe(true);
    const resumed = await unet(['train', ...quick, '--steps', '10000', '--time-limit', '0.01', '--out', run, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/stopped: aborted after/);
    // Released at the end.
    expect(existsSync(path.join(run, 'trainer.lock'))).toBe(false);
  }, 180_000);
});
