import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface PeakMemoryRun {
  code: number | null;
  /** stdout and stderr, interleaved as they came. */
  output: string;
  /** The process's peak resident memory (VmHWM), as last read before it exited. */
  peakBytes: number;
  seconds: number;
}

/**
 * Runs `node SCRIPT ARGS...`, reading its peak resident memory (VmHWM, which only grows) from
 * /proc every 0.1 s while it runs: the child's own peak, not this process's. Linux only; the
 * peak is 0 where /proc has no status file.
 */
export function runWithPeakMemory(script: string, args: readonly string[], environment = process.env): Promise<PeakMemoryRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: environment });
    let output = '';
    let peakBytes = 0;
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const sample = setInterval(() => {
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (match) peakBytes = Math.max(peakBytes, Number(match[1]) * 1024);
      } catch {
        // It has just exited, or there is no /proc.
      }
    }, 100);
    child.once('error', (error) => {
      clearInterval(sample);
      reject(error);
    });
    child.once('exit', (code) => {
      clearInterval(sample);
      resolve({ code, output, peakBytes, seconds: (performance.now() - started) / 1000 });
    });
  });
}
