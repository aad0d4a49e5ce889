import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonlLog } from './jsonl_log.js';

// THE kill test: a training process SIGKILLed right after a checkpoint, then resumed, ends with
// the same weights, bit for bit, as a run that was never interrupted. The child runs the built
// package (dist/), which `pnpm test` builds first (turbo's test task depends on build).
const here = path.dirname(fileURLToPath(import.meta.url));
const child = path.join(here, '__fixtures__', 'train_child.mjs');
const packageRoot = path.resolve(here, '..', '..');
const built = existsSync(path.join(packageRoot, 'dist', 'node', 'index.js'));
const steps = 12;

interface Run {
  process: ChildProcess;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startRun(folder: string, mode: 'fresh' | 'resume', sleepMilliseconds = 0, onLine?: (line: string, run: Run) => void): Run {
  const process = spawn('node', [child, folder, String(steps), mode, String(sleepMilliseconds)], {
    cwd: packageRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Run = {
    process,
    lines: [],
    exited: new Promise((resolve) => process.on('exit', (code, signal) => resolve({ code, signal }))),
  };
  let buffered = '';
  let errors = '';
  process.stderr!.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  process.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const line of parts) {
      run.lines.push(line);
      onLine?.(line, run);
    }
  });
  run.exited = run.exited.then((result) => {
    if (result.code !== 0 && result.signal === null) throw new Error(`train_child.mjs failed (${result.code}):\n${errors}`);
    return result;
  });
  return run;
}

describe.skipIf(!built)('a training run killed mid-run and resumed', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'unet-kill-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('ends with the weights of the uninterrupted run, bit for bit', async () => {
    const straightFolder = path.join(root, 'straight');
    const straight = startRun(straightFolder, 'fresh');
    expect(await straight.exited).toEqual({ code: 0, signal: null });
    expect(straight.lines.at(-1)).toBe(`done ${steps}`);

    // Slowed down (the sleep changes no number) so that the kill lands mid-run.
    const killedFolder = path.join(root, 'killed');
    let killedAfter = -1;
    const killed = startRun(killedFolder, 'fresh', 150, (line, run) => {
      const match = /^checkpoint (\d+)$/.exec(line);
      if (match && Number(match[1]) >= 4 && killedAfter < 0) {
        killedAfter = Number(match[1]);
        run.process.kill('SIGKILL');
      }
    });
    expect(await killed.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(killedAfter).toBeGreaterThanOrEqual(4);
    expect(killedAfter).toBeLessThan(steps);
    expect(existsSync(path.join(killedFolder, 'final-weights.bin'))).toBe(false);
    const left = (await readdir(path.join(killedFolder, 'checkpoints'))).filter((name) => name.startsWith('step-'));
    expect(left.length).toBeGreaterThan(0);

    const resumed = startRun(killedFolder, 'resume');
    expect(await resumed.exited).toEqual({ code: 0, signal: null });
    const [expected, actual] = await Promise.all([
      readFile(path.join(straightFolder, 'final-weights.bin')),
      readFile(path.join(killedFolder, 'final-weights.bin')),
    ]);
    expect(actual.length).toBe(expected.length);
    expect(actual.equals(expected)).toBe(true);

    // The log tells the story: a start, steps, the kill, a start resumed from a checkpoint at or after the kill's.
    const records = await readJsonlLog(path.join(killedFolder, 'log.jsonl'));
    const starts = records.filter((record) => record.type === 'start');
    expect(starts).toHaveLength(2);
    expect(starts[1].resumedFrom).toMatch(/checkpoints[/\\]step-0000000\d$/);
    expect(starts[1].step).toBeGreaterThanOrEqual(killedAfter);
    expect(records.at(-1)).toMatchObject({ type: 'stop', step: steps, reason: 'completed' });
  }, 60_000);
});
