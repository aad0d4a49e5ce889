import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeAddonStatus } from '@unet/backend-native/status';
import { openDawn, vulkanEnvironment } from '@unet/test-utils';
import { describe, expect, it } from 'vitest';

// `unet bench` as a user runs it (the built CLI: each case is a child process of dist/), with
// stand-ins for ../shared/bench/torch_unet.py so that the ratios are known and the test needs no torch.
const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '..', '..', 'dist', 'cli.js');
const fakeTorch = path.join(here, '__fixtures__', 'fake_torch_unet.mjs');
const failingTorch = path.join(here, '__fixtures__', 'failing_torch_unet.mjs');
const fakeTorchExport = path.join(here, '__fixtures__', 'fake_torch_export.mjs');
// The real reference: ../shared/bench/torch_unet.py with Debian's python3-torch.
const torchUnet = path.resolve(here, '..', '..', '..', '..', '..', 'shared', 'bench', 'torch_unet.py');
const hasTorch = (() => {
  if (!existsSync(torchUnet)) return false;
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
})();
if (!hasTorch) console.warn(`bench.test: the torch_unet.py --export-onnx case is skipped: it needs ${torchUnet} and python3-torch`);
const nativeLoads = nativeAddonStatus().available;
// Dawn on @unet/test-utils' vulkanDriver (SwiftShader where there is no GPU), or why not.
const dawn = await openDawn();
const webgpuUnavailable = 'unavailable' in dawn ? dawn.unavailable : undefined;

// OMP_WAIT_POLICY is left unset, as a user's shell has it: neither reference (PyTorch, ONNX Runtime) may get it from unet bench.
const { OMP_WAIT_POLICY: _unset, ...inherited } = process.env;
const environment = { ...inherited, ...vulkanEnvironment() };

/** Runs `unet bench ARGS`: its lines after the first, which names the machine (`machine`; absent when the flags were refused). */
function bench(
  ...args: string[]
): Promise<{ code: number; lines: Record<string, unknown>[]; machine?: Record<string, unknown>; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, 'bench', ...args], { timeout: 120_000, env: environment }, (error, stdout, stderr) => {
      const lines = stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const machine = lines[0]?.case === 'machine' ? lines.shift() : undefined;
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      if (code === 0 && machine === undefined) throw new Error(`unet bench ${args.join(' ')}: its first line does not name the machine`);
      resolve({ code, lines, machine, stderr });
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
    'times the native backend, then the reference on the same case (without OMP_WAIT_POLICY), then prints their ratio',
    { timeout: 120_000 },
    async () => {
      const { code, lines, machine, stderr } = await bench(
        '--backends',
        'native',
        ...oneQuickCase,
        '--vs-pytorch',
        fakeTorch,
        '--threads',
        '2',
      );
      expect(code, stderr).toBe(0);
      expect(machine?.ompWaitPolicy, 'the references ran with OMP_WAIT_POLICY unset').toBeNull();
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

  it('times ONNX Runtime on the file that --vs-onnxruntime PATH exports (without OMP_WAIT_POLICY), with ours/onnxruntime ratios', {
    timeout: 120_000,
  }, async () => {
    const quick = oneQuickCase.slice(2);
    const { code, lines, stderr } = await bench(
      '--engines',
      'onnxruntime',
      ...quick,
      '--vs-onnxruntime',
      fakeTorchExport,
      '--threads',
      '2',
    );
    expect(code, stderr).toBe(0);
    expect(lines.map((line) => line.framework ?? line.ratio)).toEqual(['onnxruntime', 'onnxruntime', 'vs-onnxruntime']);
    const [ours, reference, ratio] = lines as [Record<string, number>, Record<string, number>, Record<string, unknown>];
    expect(ours).toMatchObject({ backend: 'onnxruntime', parameters: 1_942_306 });
    expect(reference).toMatchObject({
      framework: 'onnxruntime',
      backend: 'onnxruntime-pytorch-graph',
      version: '1.30.0',
      preset: 'small',
      mode: 'forward',
      threads: 2,
      outputShape: [4, 2, 256, 256],
      // The weights the file stores (base 2, batch norm's four vectors each), read from the graph: not the preset's.
      // By hand: 3x3 convolutions 27,594, up-convolutions 2,750, head 6, batch norm 4 x 184 channels.
      parameters: 31_086,
    });
    expect(reference.medianMs).toBeGreaterThan(0);
    expect(ratio).toEqual({
      ratio: 'vs-onnxruntime',
      backend: 'onnxruntime',
      preset: 'small',
      mode: 'forward',
      timeRatio: Number((ours.medianMs! / reference.medianMs!).toFixed(2)),
      peakRssRatio: Number((ours.peakRssMiB! / reference.peakRssMiB!).toFixed(2)),
    });
  });

  it('says why the ONNX export gave no file, and prints no ratio', { timeout: 120_000 }, async () => {
    const quick = oneQuickCase.slice(2);
    const { code, lines, stderr } = await bench('--engines', 'onnxruntime', ...quick, '--vs-onnxruntime', failingTorch);
    expect(code, stderr).toBe(0);
    expect(lines.map((line) => line.backend)).toEqual(['onnxruntime', 'onnxruntime-pytorch-graph']);
    expect(lines[1]!.failed).toMatch(/failing_torch_unet\.mjs --export-onnx: exit 1: .*No module named 'torch'/);
  });

  it.skipIf(!hasTorch)(
    'exports the small preset with the real torch_unet.py and times it in ONNX Runtime',
    { timeout: 180_000 },
    async () => {
      const quick = oneQuickCase.slice(2, -2);
      const { code, lines, stderr } = await bench('--engines', 'onnxruntime', ...quick, '--vs-onnxruntime', torchUnet, '--threads', '2');
      expect(code, stderr).toBe(0);
      expect(lines.map((line) => line.backend)).toEqual(['onnxruntime', 'onnxruntime-pytorch-graph', 'onnxruntime']);
      // PyTorch's eval export folds batch norm into the convolutions, which gain a bias each: the
      // preset's 1,942,306 trainable parameters less batch norm's 2 x 1,472, plus 1,472 biases.
      expect(lines[1]).toMatchObject({ outputShape: [4, 2, 256, 256], parameters: 1_940_834, threads: 2 });
      expect(lines[2]).toMatchObject({ ratio: 'vs-onnxruntime', preset: 'small', mode: 'forward' });
    },
  );

  it('rejects --vs-onnxruntime without the script, or without forward passes to time', async () => {
    const missing = await bench('--vs-onnxruntime', path.join(here, 'no-such-torch_unet.py'));
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/--vs-onnxruntime .*no-such-torch_unet\.py: no such file; pass \.\.\/shared\/bench\/torch_unet\.py/);
    const trainOnly = await bench('--modes', 'train', '--vs-onnxruntime', fakeTorchExport);
    expect(trainOnly.code).not.toBe(0);
    expect(trainOnly.stderr).toMatch(/--vs-onnxruntime times forward passes only, and --modes train has none; add forward/);
  });

  it('profiles a step with --profile: its kernels by wall time on a CPU backend, as JSON and as a table on stderr', {
    timeout: 120_000,
  }, async () => {
    const backend = nativeLoads ? 'native' : 'wasm';
    const tiny = ['--engines', 'tfjs', '--presets', 'small', '--runs', '1', '--warmup', '0', '--batch', '1', '--size', '32'];
    const { code, lines, stderr } = await bench('--backends', backend, ...tiny, '--modes', 'forward,train', '--profile');
    expect(code, stderr).toBe(0);
    expect(lines.map((line) => line.mode)).toEqual(['forward', 'train']);
    for (const line of lines) {
      expect(line).toMatchObject({ backend, preset: 'small', batch: 1, size: 32, outputShape: [1, 32, 32, 2], profileTiming: 'wall' });
      const kernels = line.topKernels as { kernel: string; calls: number; ms: number }[];
      expect(kernels.length).toBeGreaterThan(3);
      // Most time first, and the composite ops around kernels (fusedConv2d__op) are not counted.
      expect(kernels.map((entry) => entry.ms)).toEqual([...kernels.map((entry) => entry.ms)].sort((a, b) => b - a));
      expect(kernels.some((entry) => entry.kernel.endsWith('__op') || entry.kernel === 'unnamed scope')).toBe(false);
      expect(line.profiledMs as number).toBeGreaterThanOrEqual(kernels.reduce((sum, entry) => sum + entry.ms, 0) - 0.01);
    }
    // Forward: 19 convolutions of the small preset (native runs 18 of them with their batch norm
    // as UnetConvolutionBatchNormRelu); a train step also has their two gradients.
    const counts = (index: number, name: string) =>
      (lines[index]!.topKernels as { kernel: string; calls: number }[]).find((entry) => entry.kernel === name)?.calls ?? 0;
    expect(counts(0, 'FusedConv2D') + counts(0, 'UnetConvolutionBatchNormRelu')).toBe(19);
    expect(counts(1, 'Conv2DBackpropFilter')).toBeGreaterThanOrEqual(18);
    expect(stderr).toMatch(new RegExp(`small forward on ${backend}, 1 x 32x32: top kernels of one profiled step by wall time`));
    expect(stderr).toMatch(/small train on .*\n {2}kernel +calls +ms +share\n/);
  });

  it.skipIf(!(process.env.UNET_TEST_BACKENDS ?? '').includes('webgpu'))(
    'profiles a webgpu forward pass by GPU time from timestamp queries (Dawn; SwiftShader has them)',
    { timeout: 600_000 },
    async () => {
      const tiny = ['--engines', 'tfjs', '--presets', 'small', '--runs', '1', '--warmup', '0', '--batch', '1', '--size', '32'];
      const { code, lines, stderr } = await bench('--backends', 'webgpu', ...tiny, '--modes', 'forward', '--profile');
      expect(code, stderr).toBe(0);
      expect(lines[0]).toMatchObject({ backend: 'webgpu', profileTiming: 'gpu-timestamps' });
      expect(lines[0]!.profiledMs as number).toBeGreaterThan(0);
      expect(stderr).toMatch(/small forward on webgpu .*by GPU time \(WebGPU timestamp queries\)/);
    },
  );

  it("refuses --batch or --size beside a reference, which times the preset's input", async () => {
    const { code, stderr } = await bench('--size', '64', '--vs-pytorch', fakeTorch);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/--batch and --size change the input.*leave out --vs-pytorch/);
  });

  it('times the batch pipeline alone with --pipeline: a line per worker count, the tiles as unet train makes them', {
    timeout: 120_000,
  }, async () => {
    const { code, lines, stderr } = await bench('--pipeline', '--workers', '0,1', '--runs', '2', '--batch', '2', '--size', '32');
    expect(code, stderr).toBe(0);
    expect(lines.map((line) => line.workers)).toEqual([0, 1]);
    for (const line of lines) {
      expect(line).toMatchObject({
        framework: 'pipeline',
        preset: 'small',
        madeOn: 'cpu',
        batch: 2,
        inputSize: 32,
        outputSize: 32,
        augment: 'elastic',
        weightMap: true,
        batches: 2,
        warmup: 1,
      });
      // 2 batches of 2 tiles over the seconds measured (both rounded).
      expect(Math.abs(((line.imagesPerSecond as number) * (line.seconds as number)) / 4 - 1)).toBeLessThan(0.02);
    }
    const misplaced = await bench('--data', 'somewhere');
    expect(misplaced.stderr).toMatch(/--data and --format go with --pipeline/);
  });

  it.skipIf(webgpuUnavailable !== undefined)(
    'times the tiles made on the GPU with --pipeline --backends webgpu: one line, madeOn gpu, the adapter named',
    {
      timeout: 300_000,
    },
    async () => {
      const { code, lines, stderr } = await bench('--pipeline', '--backends', 'webgpu', '--runs', '2', '--batch', '2', '--size', '32');
      expect(code, stderr).toBe(0);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        framework: 'pipeline',
        madeOn: 'gpu',
        workers: 0,
        batch: 2,
        inputSize: 32,
        outputSize: 32,
        batches: 2,
      });
      expect(lines[0].device).toMatch(/swiftshader/i);
      expect(lines[0].imagesPerSecond).toBeGreaterThan(0);
    },
  );

  it('takes --backends webgpu alone with --pipeline, and no --workers beside it', async () => {
    const wrong = await bench('--pipeline', '--backends', 'native');
    expect(wrong.stderr).toMatch(/--pipeline takes --backends webgpu alone/);
    const both = await bench('--pipeline', '--backends', 'webgpu', '--workers', '1');
    expect(both.stderr).toMatch(/--workers counts CPU threads: leave it out with --backends webgpu/);
  });

  it('segments a huge image region by region with --huge SIDE: its time, microseconds a pixel and peak RSS, after a line naming the machine', {
    timeout: 120_000,
  }, async () => {
    const backend = nativeLoads ? 'native' : 'wasm';
    const { code, lines, machine, stderr } = await bench('--huge', '100', '--tile', '32', '--backends', backend);
    expect(code, stderr).toBe(0);
    expect(machine).toMatchObject({ case: 'machine', node: process.version });
    expect(typeof machine!.cpu).toBe('string');
    expect(lines).toHaveLength(1);
    const line = lines[0] as Record<string, number>;
    expect(line).toMatchObject({ case: 'huge-image', side: 100, megapixels: 0, preset: 'small', baseChannels: 16, backend, tile: 32 });
    expect(line.seconds).toBeGreaterThan(0);
    // The seconds are rounded to 0.1 s, the microseconds a pixel made from the unrounded time.
    expect(Math.abs((line.microsecondsPerPixel * 100 ** 2) / 1e6 - line.seconds)).toBeLessThanOrEqual(0.051);
    // A Node process with tfjs loaded holds tens of MiB at least; a 100 x 100 BigTIFF of 8-bit labels holds 10,000 bytes and its header.
    expect(line.peakRssMiB).toBeGreaterThan(30);
    expect(line.maskBytes).toBeGreaterThan(100);
  });

  it('takes one backend, one preset and a side of at least 16 px with --huge, and --tile only with it', async () => {
    const two = await bench('--huge', '100', '--backends', 'native,wasm');
    expect(two.code).not.toBe(0);
    expect(two.machine).toBeUndefined();
    expect(two.stderr).toMatch(/--huge runs one backend and one preset: name one of each/);
    expect((await bench('--huge', '8')).stderr).toMatch(/--huge 8: a side of at least 16 px, e\.g\. 50000/);
    expect((await bench('--tile', '32')).stderr).toMatch(/--tile goes with --huge SIDE/);
  });

  it('rejects an unknown backend with the list to choose from', async () => {
    const { code, stderr } = await bench('--backends', 'tpu');
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/--backends: unknown tpu; choose from native, webgpu, wasm, cpu/);
  });

  it('takes --workers with --queue or --pipeline, --images with --queue only, and worker counts of at least 1', async () => {
    const alone = await bench('--workers', '1,2');
    expect(alone.code).not.toBe(0);
    expect(alone.stderr).toMatch(/--workers goes with --queue URL or --pipeline, --images with --queue URL/);
    const none = await bench('--queue', 'redis://127.0.0.1:1/0', '--workers', '0,2');
    expect(none.stderr).toMatch(/--workers 0,2: worker counts of at least 1/);
  });
});
