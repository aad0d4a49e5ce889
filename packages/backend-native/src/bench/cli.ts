#!/usr/bin/env node
// pnpm --filter @unet/backend-native bench [--backends native,wasm,cpu] [--presets small,paper]
//   [--modes forward,train] [--runs 3] [--warmup 1] [--threads N] [--vs-pytorch PATH] [--slow-cpu]
// One JSON object per line on stdout: results, failures, and with --vs-pytorch the ratios.
import { parseArgs } from 'node:util';
import type { PresetName } from '@unet/model';
import { runBenchmarks, type BenchBackend, type BenchMode } from './run_benchmarks.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string' },
    presets: { type: 'string' },
    modes: { type: 'string' },
    runs: { type: 'string' },
    warmup: { type: 'string' },
    threads: { type: 'string' },
    'vs-pytorch': { type: 'string' },
    python: { type: 'string' },
    'slow-cpu': { type: 'boolean' },
    'timeout-seconds': { type: 'string' },
  },
});
const list = <T extends string>(text: string | undefined) => (text === undefined ? undefined : (text.split(',') as T[]));
const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));

await runBenchmarks(
  {
    backends: list<BenchBackend>(values.backends),
    presets: list<PresetName>(values.presets),
    modes: list<BenchMode>(values.modes),
    runs: number(values.runs),
    warmup: number(values.warmup),
    threads: number(values.threads),
    vsPytorch: values['vs-pytorch'],
    python: values.python,
    slowCpu: values['slow-cpu'],
    timeoutSeconds: number(values['timeout-seconds']),
  },
  (line) => console.log(JSON.stringify(line)),
);
