import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeAddonStatus } from '@unet/backend-native/status';
import { describe, expect, it } from 'vitest';

// `unet bench` as a user runs it (the built CLI: each case is a child process of dist/), with
// stand-ins for ../shared/bench/torch_unet.py so that the ratios are known and the test needs no torch.
const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '..', '..', 'dist', 'cli.js');
const fakeTorch = path.join(here, '__fixtures__', 'fake_torch_unet.mjs');
const failingTorch = path.join(here, '__fixtures__', 'failing_torch_unet.mjs');
const nativeLoads = nativeAddonStatus().available;

function bench(...args: string[]): Promise<{ code: number; lines: Record<string, unknown>[]; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, 'bench', ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      const lines = stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, lines, stderr });
    });
  });
}

const oneQuickCase = [
  '--engines',
  'tfjs',
  '--presets',
  'small',
  '--modes',
  'forward',
  '--runs',
  '1',
  '--warmup',
  '0',
  '--python',
  process.execPath,
];

describe('unet bench', () => {
  it.skipIf(!nativeLoads)(
    'times the native backend, then the reference on the same case, then prints their ratio',
    { timeout: 120_000 },
    async () => {
      const { code, lines, stderr } = await bench('--backends', 'native', ...oneQuickCase, '--vs-pytorch', fakeTorch, '--threads', '2');
      expect(code, stderr).toBe(0);
      expect(lines).toHaveLength(3);
      const [ours, reference, ratio] = lines as [Record<string, number>, Record<string, unknown>, Record<string, unknown>];
      expect(ours).toMatchObject({
        framework: 'tfjs',
        backend: 'native',
        preset: 'small',
        mode: 'forward',
        threads: 2,
        outputShape: [4, 256, 256, 2],
        parameters: 1_942_306,
      });
      expect(ours.gflop).toBeCloseTo(24.117, 3);
      expect(reference).toMatchObject({
        framework: 'pytorch',
        backend: 'pytorch',
        preset: 'small',
        mode: 'forward',
        threads: 2,
        medianMs: 1000,
      });
      expect(ratio).toEqual({
        ratio: 'vs-pytorch',
        backend: 'native',
        preset: 'small',
        mode: 'forward',
        timeRatio: Number((ours.medianMs! / 1000).toFixed(2)),
        peakRssRatio: Number((ours.peakRssMiB! / 100).toFixed(2)),
      });
    },
  );

  it('says why the reference gave no result, and prints no ratio', { timeout: 120_000 }, async () => {
    const { code, lines, stderr } = await bench('--backends', 'wasm', ...oneQuickCase, '--vs-pytorch', failingTorch);
    expect(code, stderr).toBe(0);
    expect(lines.map((line) => line.framework)).toEqual(['tfjs', 'pytorch']);
    expect(lines[0]).toMatchObject({ backend: 'wasm', outputShape: [4, 256, 256, 2] });
    expect(lines[1]).toMatchObject({ backend: 'pytorch', preset: 'small', mode: 'forward' });
    expect(lines[1]!.failed).toMatch(/exit 1: .*No module named 'torch'/);
  });

  it('times the onnxruntime engine on the exported graph, beside the reference, with their ratio', { timeout: 120_000 }, async () => {
    const quick = oneQuickCase.slice(2);
    const { code, lines, stderr } = await bench('--engines', 'onnxruntime', ...quick, '--vs-pytorch', fakeTorch, '--threads', '2');
    expect(code, stderr).toBe(0);
    expect(lines.map((line) => line.framework ?? line.ratio)).toEqual(['onnxruntime', 'pytorch', 'vs-pytorch']);
    const ours = lines[0] as Record<string, number>;
    expect(ours).toMatchObject({
      backend: 'onnxruntime',
      version: '1.30.0',
      preset: 'small',
      mode: 'forward',
      threads: 2,
      outputShape: [4, 2, 256, 256],
      parameters: 1_942_306,
    });
    expect(ours.medianMs).toBeGreaterThan(0);
    expect(lines[2]).toMatchObject({ backend: 'onnxruntime', timeRatio: Number((ours.medianMs! / 1000).toFixed(2)) });
  });

  it('rejects an unknown backend with the list to choose from', async () => {
    const { code, stderr } = await bench('--backends', 'tpu');
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/--backends: unknown tpu; choose from native, webgpu, wasm, cpu/);
  });
});
