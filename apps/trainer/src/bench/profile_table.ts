import type { BenchResult } from './bench_case.js';
import type { ProfileTiming } from './profile_step.js';

const timingWords: Record<ProfileTiming, string> = {
  'gpu-timestamps': 'GPU time (WebGPU timestamp queries)',
  wall: 'wall time of each kernel (a CPU backend: the kernel is done when its call returns)',
  'dispatch-wall': 'wall time of each kernel call: the CPU dispatch only (the adapter has no timestamp-query: GPU time unknown)',
};

/**
 * A profiled case's top kernels as a table for people (unet bench --profile writes it to
 * stderr, the JSON line to stdout): which case, where the times come from, then per kernel
 * its calls, its milliseconds and its share of the step's summed kernel time.
 */
export function formatProfileTable(result: BenchResult): string {
  if (result.topKernels === undefined || result.profileTiming === undefined) return '';
  const total = result.profiledMs ?? 0;
  const input = result.batch === undefined ? '' : `, ${result.batch} x ${result.size}x${result.size}`;
  const lines = [
    `${result.preset} ${result.mode} on ${result.backend}${result.adapter === undefined ? '' : ` (${result.adapter})`}${input}: ` +
      `top kernels of one profiled step by ${timingWords[result.profileTiming]}; ` +
      `${result.profiledCalls ?? '?'} kernel calls, ${total.toFixed(1)} ms in all (unprofiled step: median ${result.medianMs} ms)`,
  ];
  const rows = result.topKernels.map((entry) => [
    entry.kernel,
    String(entry.calls),
    entry.ms.toFixed(2),
    total > 0 ? `${((100 * entry.ms) / total).toFixed(1)}%` : '-',
  ]);
  const header = ['kernel', 'calls', 'ms', 'share'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const format = (row: string[]) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  lines.push(`  ${format(header)}`, ...rows.map((row) => `  ${format(row)}`));
  return `${lines.join('\n')}\n`;
}
