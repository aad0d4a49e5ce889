import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function unet(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the unet command', () => {
  it('prints help that lists its commands', async () => {
    const run = await unet('--help');
    expect(run.code).toBe(0);
    for (const command of ['train', 'predict', 'eval', 'export', 'import', 'bench', 'forward', 'info'])
      expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('runs a forward pass and reports shapes and the parameter count as JSON', async () => {
    const run = await unet('forward', '--preset', 'small', '--size', '32', '--backend', 'wasm', '--json');
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ preset: 'small', backend: 'wasm', inputShape: [1, 32, 32, 1], outputShape: [1, 32, 32, 2] });
    expect(result.blocks.at(-1)).toMatchObject({ block: 'head', outputShape: [1, 32, 32, 2] });
  });

  it('stops at once with the nearest valid sizes when the size is wrong', async () => {
    const run = await unet('forward', '--size', '570');
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/556 or 572/);
  });

  it('ends a bad flag with one line and exit code 2, no stack trace', async () => {
    const run = await unet('forward', '--presett', 'small');
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/--presett/);
    expect(run.stderr).not.toMatch(/ at /);
  });

  it('suggests the flag that was meant', async () => {
    const run = await unet('train', '--stpes', '3');
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('unet train: unknown option --stpes; did you mean --steps? (unet train --help lists them)');
  });

  it('says a negative step count must be a positive integer', async () => {
    const run = await unet('train', '--steps', '-3');
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('unet train: --steps: must be a positive integer, got -3');
  });

  it('prints its version, and takes -h for --help on every command', async () => {
    const version = await unet('--version');
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    for (const command of ['train', 'predict', 'eval', 'export', 'bench', 'info', 'forward']) {
      const run = await unet(command, '-h');
      expect(run.code, `${command} -h`).toBe(0);
      expect(run.stdout, `${command} -h`).toMatch(new RegExp(`^unet ${command}: `));
    }
  });

  it('names the commands when given an unknown one', async () => {
    const run = await unet('trian');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown command 'trian'.*forward, info, train, predict, eval, export, import, bench/);
  });

  it('reports the backends in info --json', async () => {
    const run = await unet('info', '--json');
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.backends.map((backend: { name: string }) => backend.name)).toEqual([
      'tensorflow-gpu',
      'tensorflow',
      'webgpu',
      'native',
      'wasm',
      'cpu',
    ]);
    expect(['tensorflow-gpu', 'tensorflow', 'webgpu', 'native', 'wasm']).toContain(result.chosen);
  });
});
