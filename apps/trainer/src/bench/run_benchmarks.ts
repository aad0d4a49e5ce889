import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PresetName } from '@unet/model';
import type { BenchBackend, BenchCase, BenchEngine, BenchMode, BenchResult } from './bench_case.js';
import { onnxFileBackend } from './onnx_file_case.js';
import { type BenchRatio, ratioLines } from './ratios.js';

export type { BenchBackend, BenchEngine, BenchMode, BenchResult } from './bench_case.js';
export type { BenchRatio } from './ratios.js';

export interface BenchmarkOptions {
  /** Backends to time; one that does not load gives a `failed` line. Default native, wasm, cpu. */
  backends?: BenchBackend[];
  /** tfjs (on each of `backends`) and onnxruntime (forward passes of the exported graph). Default both. */
  engines?: BenchEngine[];
  presets?: PresetName[];
  modes?: BenchMode[];
  /** Timed runs per case (the median is reported); at least 3 for the published numbers. */
  runs?: number;
  /** Untimed runs first (oneDNN creates its primitives, wasm compiles). */
  warmup?: number;
  /** ../shared/bench/torch_unet.py: also time PyTorch on each case and report our/PyTorch ratios. */
  vsPytorch?: string;
  /**
   * ../shared/bench/torch_unet.py: export each preset with its --export-onnx (into a temporary
   * folder), time ONNX Runtime's forward pass of that file and report ours/onnxruntime ratios.
   */
  vsOnnxRuntime?: string;
  /** The Python that has torch (Debian's python3-torch is /usr/bin/python3). */
  python?: string;
  /** The device torch_unet.py runs on: cpu (default) or cuda, beside webgpu on a GPU machine. */
  torchDevice?: 'cpu' | 'cuda';
  /** Threads for PyTorch and OpenMP (the native backend); default: every core. */
  threads?: number;
  /**
   * Also time cpu on the cases it would take minutes for (its convolution gradients are plain
   * loops: a small-preset train step is measured in tens of minutes). Default: small forward only.
   */
  slowCpu?: boolean;
  /** Seconds before a case is stopped and reported as failed. */
  timeoutSeconds?: number;
  /** Each case also reports the top kernels of one step by time (profile_step.ts: GPU time on webgpu where it can). */
  profile?: boolean;
  /** Tiles per step and their side in px instead of each preset's (benchInputs). */
  batch?: number;
  size?: number;
}

/** A case that did not produce a result: the backend did not load, ran out of memory, timed out. */
export interface BenchFailure {
  framework: 'tfjs' | 'pytorch' | 'onnxruntime';
  backend: string;
  preset: PresetName;
  mode: BenchMode;
  failed: string;
}

export type BenchLine = BenchResult | BenchFailure | BenchRatio;

const caseMain = fileURLToPath(new URL('./case_main.js', import.meta.url));

/**
 * The speed benchmark of issue 6: for each backend, preset and mode, one child process (so that
 * peak RSS is the case's own and a wasm heap abort ends only that case), then PyTorch on the
 * same cases and the ratios, then (issue 16) ONNX Runtime on PyTorch's export of the preset and
 * those ratios. Each line goes to `onResult` as soon as it is known.
 */
export async function runBenchmarks(options: BenchmarkOptions, onResult: (line: BenchLine) => void): Promise<BenchLine[]> {
  const engines = options.engines ?? ['tfjs', 'onnxruntime'];
  const backends = engines.includes('tfjs') ? (options.backends ?? ['native', 'wasm', 'cpu']) : [];
  const presets = options.presets ?? ['small', 'paper'];
  const modes = options.modes ?? ['forward', 'train'];
  const runs = options.runs ?? 3;
  const warmup = options.warmup ?? 1;
  const timeoutMs = (options.timeoutSeconds ?? 1800) * 1000;
  // Each side runs in its own default configuration, with the same thread count. Ours sleeps
  // while it waits because @unet/backend-native sets OMP_WAIT_POLICY=passive itself when it loads
  // the addon (docs/backends.md); the references keep the user's environment as it is, since
  // passive waiting slows PyTorch's libgomp (small forward about 240 against 380 ms on the CPU of
  // issue 16). A copy taken now, so that nothing this process loads later can change it.
  const referenceEnvironment: NodeJS.ProcessEnv = { ...process.env };
  const environment: NodeJS.ProcessEnv = {
    ...referenceEnvironment,
    ...(options.threads ? { OMP_NUM_THREADS: String(options.threads) } : {}),
  };
  const threads = options.threads ?? os.availableParallelism();
  const lines: BenchLine[] = [];
  const emit = (line: BenchLine) => {
    lines.push(line);
    onResult(line);
  };

  const ours: BenchResult[] = [];
  for (const preset of presets) {
    for (const mode of modes) {
      for (const backend of backends) {
        if (backend === 'cpu' && !options.slowCpu && !(preset === 'small' && mode === 'forward')) continue;
        const benchCase: BenchCase = {
          backend,
          preset,
          mode,
          runs,
          warmup,
          profile: options.profile,
          ...(options.batch === undefined ? {} : { batch: options.batch }),
          ...(options.size === undefined ? {} : { size: options.size }),
        };
        const outcome = await runChild(process.execPath, [caseMain, JSON.stringify(benchCase)], environment, timeoutMs);
        if ('result' in outcome) {
          ours.push(outcome.result);
          emit(outcome.result);
        } else {
          emit({ framework: 'tfjs', backend, preset, mode, failed: outcome.failed });
        }
      }
      if (engines.includes('onnxruntime') && mode === 'forward') {
        const benchCase: BenchCase = {
          backend: 'cpu',
          engine: 'onnxruntime',
          preset,
          mode,
          runs,
          warmup,
          ...(options.threads ? { threads: options.threads } : {}),
          ...(options.batch === undefined ? {} : { batch: options.batch }),
          ...(options.size === undefined ? {} : { size: options.size }),
        };
        const outcome = await runChild(process.execPath, [caseMain, JSON.stringify(benchCase)], environment, timeoutMs);
        if ('result' in outcome) {
          ours.push(outcome.result);
          emit(outcome.result);
        } else {
          emit({ framework: 'onnxruntime', backend: 'onnxruntime', preset, mode, failed: outcome.failed });
        }
      }
      if (options.vsPytorch !== undefined) await comparePytorch(options.vsPytorch, preset, mode);
      if (options.vsOnnxRuntime !== undefined && mode === 'forward') await compareOnnxRuntime(options.vsOnnxRuntime, preset);
    }
  }
  return lines;

  async function comparePytorch(script: string, preset: PresetName, mode: BenchMode): Promise<void> {
    const outcome = await runChild(
      options.python ?? '/usr/bin/python3',
      [
        script,
        '--preset',
        preset,
        '--mode',
        mode,
        '--runs',
        String(runs),
        '--warmup',
        String(warmup),
        '--threads',
        String(threads),
        '--device',
        options.torchDevice ?? 'cpu',
      ],
      referenceEnvironment,
      timeoutMs,
    );
    if (!('result' in outcome)) {
      emit({ framework: 'pytorch', backend: 'pytorch', preset, mode, failed: outcome.failed });
      return;
    }
    const torch = { ...outcome.result, backend: options.torchDevice === 'cuda' ? 'pytorch-cuda' : 'pytorch' };
    emit(torch);
    for (const ratio of ratioLines(ours, torch, 'vs-pytorch')) emit(ratio);
  }

  /** torch_unet.py --export-onnx of the preset, in a folder of its own that is removed after, timed in ONNX Runtime. */
  async function compareOnnxRuntime(script: string, preset: PresetName): Promise<void> {
    const mode = 'forward';
    const folder = mkdtempSync(path.join(os.tmpdir(), 'unet-bench-onnx-'));
    try {
      const onnxFile = path.join(folder, `torch_unet-${preset}.onnx`);
      const exported = await runWriter(
        options.python ?? '/usr/bin/python3',
        [script, '--preset', preset, '--export-onnx', onnxFile],
        onnxFile,
        referenceEnvironment,
        timeoutMs,
      );
      if (exported.failed !== undefined) {
        emit({ framework: 'onnxruntime', backend: onnxFileBackend, preset, mode, failed: `${script} --export-onnx: ${exported.failed}` });
        return;
      }
      const benchCase: BenchCase = { backend: 'cpu', engine: 'onnxruntime', onnxFile, preset, mode, runs, warmup, threads };
      const outcome = await runChild(process.execPath, [caseMain, JSON.stringify(benchCase)], referenceEnvironment, timeoutMs);
      if (!('result' in outcome)) {
        emit({ framework: 'onnxruntime', backend: onnxFileBackend, preset, mode, failed: outcome.failed });
        return;
      }
      emit(outcome.result);
      for (const ratio of ratioLines(ours, outcome.result, 'vs-onnxruntime')) emit(ratio);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }
}

type ChildOutcome = { result: BenchResult } | { failed: string };

type ProcessEnd = { output: string; code: number | null; signal: NodeJS.Signals | null } | { failed: string };

function runProcess(command: string, args: string[], environment: NodeJS.ProcessEnv, timeoutMs: number): Promise<ProcessEnd> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ failed: `${command} did not start: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ output, code, signal });
    });
  });
}

/** Why a process failed: how it ended, and the last lines it wrote. */
function failure(end: Exclude<ProcessEnd, { failed: string }>, timeoutMs: number): string {
  const tail = end.output.trim().split('\n').slice(-3).join(' | ');
  const why = end.signal === 'SIGKILL' ? `killed after ${timeoutMs / 1000} s` : `exit ${end.code ?? end.signal}`;
  return `${why}: ${tail}`;
}

// Runs a process that ends with a `RESULT {json}` line (case_main.js or torch_unet.py).
async function runChild(command: string, args: string[], environment: NodeJS.ProcessEnv, timeoutMs: number): Promise<ChildOutcome> {
  const end = await runProcess(command, args, environment, timeoutMs);
  if ('failed' in end) return end;
  const line = end.output.split('\n').find((text) => text.startsWith('RESULT '));
  if (line !== undefined) return { result: JSON.parse(line.slice('RESULT '.length)) as BenchResult };
  return { failed: failure(end, timeoutMs) };
}

// Runs a process that succeeds by exiting 0 and leaving `file` (torch_unet.py --export-onnx).
async function runWriter(
  command: string,
  args: string[],
  file: string,
  environment: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ failed?: string }> {
  const end = await runProcess(command, args, environment, timeoutMs);
  if ('failed' in end) return end;
  if (end.code !== 0) return { failed: failure(end, timeoutMs) };
  return existsSync(file) ? {} : { failed: `exit 0 without writing ${file}: ${end.output.trim().split('\n').slice(-2).join(' | ')}` };
}
