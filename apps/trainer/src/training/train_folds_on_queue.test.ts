import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { redisUnavailableReason, startRedisServer, type RedisServer } from '@unet/test-utils';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { QUEUE_NAME } from '../jobs/redis_job_queue.js';
import { cli, unet, writeTinyDataset } from '../jobs/__fixtures__/tiny_segmentation.js';

const reason = redisUnavailableReason();
const work = mkdtempSync(path.join(tmpdir(), 'unet-folds-queue-'));
const data = path.join(work, 'data');
let server: RedisServer | undefined;
const workers: ChildProcess[] = [];
const quick = ['--tile', '32', '--batch', '1', '--val-every', '2', '--checkpoint-every', '1', '--workers', '0', '--backend', 'wasm'];
const folds = ['--data', data, '--format', 'folder', '--folds', '2', '--seed', '5', ...quick];

/**
 * A worker process with 10 s locks (a killed one gives its job back within about 15 s); its
 * output kept. Shorter locks are lost on this busy machine while a step or a checkpoint holds
 * the event loop (5 s ones were, at a load average of 11 on its 2 cores).
 */
function startWorker(): ChildProcess & { output: string[] } {
  const worker = spawn(
    process.execPath,
    [cli, 'worker', '--queue', server!.url, '--allow-root', work, '--backend', 'wasm', '--lock-ms', '10000'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  ) as ChildProcess & { output: string[] };
  worker.output = [];
  worker.stdout!.on('data', (chunk: Buffer) => worker.output.push(chunk.toString()));
  worker.stderr!.on('data', (chunk: Buffer) => worker.output.push(chunk.toString()));
  workers.push(worker);
  return worker;
}

const weights = (folder: string) => readFileSync(path.join(folder, 'model', 'weights.bin'));
const records = (folder: string, type: string) =>
  readFileSync(path.join(folder, 'log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
    .filter((record) => record.type === type);
const starts = (folder: string) => records(folder, 'start');

/** Until a checkpoint whose name matches `step` is in `checkpoints`; throws if the worker ends first. */
async function untilCheckpointed(checkpoints: string, step: RegExp, worker: ChildProcess & { output: string[] }): Promise<void> {
  while (!(existsSync(checkpoints) && readdirSync(checkpoints).some((name) => step.test(name)))) {
    if (worker.exitCode !== null) throw new Error(`the worker ended early:\n${worker.output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The Redis and the data set, made by the first test that runs (any of them may run alone, with -t). */
async function ready(): Promise<RedisServer> {
  if (server === undefined) {
    server = await startRedisServer();
    await writeTinyDataset(data);
  }
  return server;
}

// A test that failed leaves its workers running: they must not take the next test's jobs.
afterEach(() => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
});

afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('unet train --folds --queue', () => {
  it('trains each fold as a job of unet worker, to the weights of the run in one process; a rerun skips the done folds', async (context) => {
    if (reason !== undefined) context.skip(reason);
    await ready();
    const worker = startWorker();
    const [inProcess, queued] = await Promise.all([
      unet(['train', ...folds, '--steps', '2', '--out', path.join(work, 'here')], 240_000),
      unet(['train', ...folds, '--steps', '2', '--out', path.join(work, 'queued'), '--queue', server!.url], 240_000),
    ]);
    expect(inProcess.code, inProcess.stderr).toBe(0);
    expect(queued.code, `${queued.stderr}\n${worker.output.join('')}`).toBe(0);
    expect(queued.stdout).toMatch(/queued 2 fold job\(s\)/);
    for (const fold of [0, 1]) {
      expect(queued.stdout).toContain(
        `fold ${fold}: ${path.relative(process.cwd(), path.join(work, 'queued', `fold-${fold}`))}/model (model of step 2)`,
      );
      expect(weights(path.join(work, 'queued', `fold-${fold}`)).equals(weights(path.join(work, 'here', `fold-${fold}`)))).toBe(true);
    }
    const again = await unet(['train', ...folds, '--steps', '2', '--out', path.join(work, 'queued'), '--queue', server!.url]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.match(/its model existed, skipped/g)).toHaveLength(2);
    worker.kill('SIGTERM');
  }, 240_000);

  it("resumes a killed worker's fold from its last checkpoint in another worker, to the same weights", async (context) => {
    if (reason !== undefined) context.skip(reason);
    await ready();
    const out = path.join(work, 'killed');
    const doomed = startWorker();
    const run = unet(['train', ...folds, '--fold', '0', '--steps', '6', '--out', out, '--queue', server!.url], 240_000);
    const checkpoints = path.join(out, 'fold-0', 'checkpoints');
    // Killed once it has checkpointed 2 of the 6 steps.
    await untilCheckpointed(checkpoints, /step-0*[2-4]\b/, doomed);
    doomed.kill('SIGKILL');
    const survivor = startWorker();
    const [queued, inProcess] = await Promise.all([
      run,
      unet(['train', ...folds, '--fold', '0', '--steps', '6', '--out', path.join(work, 'killed-here')], 240_000),
    ]);
    expect(queued.code, `${queued.stderr}\n${survivor.output.join('')}`).toBe(0);
    expect(survivor.output.join('')).toMatch(/trained .*fold 0 of 2 .*\(resumed from its last checkpoint\), model of step 6/);
    const [first, second] = starts(path.join(out, 'fold-0'));
    expect(first.resumedFrom ?? null).toBeNull();
    expect(second.resumedFrom).toMatch(/step-/);
    expect(inProcess.code, inProcess.stderr).toBe(0);
    expect(weights(path.join(out, 'fold-0')).equals(weights(path.join(work, 'killed-here', 'fold-0')))).toBe(true);
    survivor.kill('SIGTERM');
  }, 240_000);

  it('hands a fold job back on SIGTERM: the worker stops after its step with a checkpoint and exits 0, and another worker continues it to the same weights', async (context) => {
    if (reason !== undefined) context.skip(reason);
    await ready();
    const out = path.join(work, 'handed-back');
    const stopped = startWorker();
    const exited = new Promise<number | null>((resolve) => stopped.once('exit', resolve));
    const run = unet(['train', ...folds, '--fold', '0', '--steps', '6', '--out', out, '--queue', server!.url], 240_000);
    const checkpoints = path.join(out, 'fold-0', 'checkpoints');
    await untilCheckpointed(checkpoints, /step-0*[2-4]\b/, stopped);
    stopped.kill('SIGTERM');
    expect(await exited, stopped.output.join('')).toBe(0);
    const said = stopped.output.join('');
    expect(said).toMatch(
      /handed back \S+: .*fold 0 of .*stopped at step [2-5] with a checkpoint, as the worker stops; it waits for another worker/,
    );
    expect(said).toMatch(/worker stopped/);
    // Back in the waiting list, not failed: no attempt was used up.
    const status = await unet(['queue', 'status', '--queue', server!.url]);
    expect(status.stdout).toMatch(/: 1 waiting, 0 active, \d+ done, 0 failed$/m);

    const survivor = startWorker();
    const [queued, inProcess] = await Promise.all([
      run,
      unet(['train', ...folds, '--fold', '0', '--steps', '6', '--out', path.join(work, 'handed-back-here')], 240_000),
    ]);
    expect(queued.code, `${queued.stderr}\n${survivor.output.join('')}`).toBe(0);
    expect(survivor.output.join('')).toMatch(/trained .*fold 0 of 2 .*\(resumed from its last checkpoint\), model of step 6/);
    expect(inProcess.code, inProcess.stderr).toBe(0);
    expect(weights(path.join(out, 'fold-0')).equals(weights(path.join(work, 'handed-back-here', 'fold-0')))).toBe(true);
    survivor.kill('SIGTERM');
  }, 240_000);

  it('applies --time-limit to each fold job on the worker: the fold stops with a checkpoint and a stop record, and a rerun resumes it', async (context) => {
    if (reason !== undefined) context.skip(reason);
    await ready();
    const out = path.join(work, 'limited');
    const worker = startWorker();
    // 3 s for a fold of 10,000 steps: only the limit can end it.
    const command = ['train', ...folds, '--fold', '0', '--steps', '10000', '--time-limit', '0.05', '--out', out, '--queue', server!.url];
    const first = await unet(command, 120_000);
    expect(first.code, `${first.stderr}\n${worker.output.join('')}`).toBe(0);
    expect(first.stdout).toMatch(/fold 0: .*model \(model of step \d+, stopped by --time-limit\)/);
    expect(first.stdout).toMatch(/stopped in fold\(s\) 0: rerun the same command to continue/);
    expect(worker.output.join('')).toMatch(/--time-limit 0.05 min reached/);
    const folder = path.join(out, 'fold-0');
    const [stop] = records(folder, 'stop');
    expect(stop.reason).toBe('aborted');
    expect(stop.step).toBeGreaterThan(0);
    expect(stop.step).toBeLessThan(10_000);
    expect(existsSync(path.join(folder, 'model', 'model.json'))).toBe(true);

    const second = await unet(command, 120_000);
    expect(second.code, `${second.stderr}\n${worker.output.join('')}`).toBe(0);
    expect(second.stdout).toMatch(/fold 0: .*model \(model of step \d+, resumed, stopped by --time-limit\)/);
    const [, resumed] = starts(folder);
    expect(resumed.resumedFrom).toMatch(/step-/);
    const stops = records(folder, 'stop');
    expect(stops.map((record) => record.reason)).toEqual(['aborted', 'aborted']);
    expect(stops[1].step).toBeGreaterThan(stops[0].step);
    worker.kill('SIGTERM');
  }, 120_000);

  it("keeps one trainer per fold when a worker loses its job's BullMQ lock mid-fold: the worker given the job waits for the trainer, then finds the fold done", async (context) => {
    if (reason !== undefined) context.skip(reason);
    await ready();
    const out = path.join(work, 'lost-lock');
    const first = startWorker();
    const run = unet(['train', ...folds, '--fold', '0', '--steps', '24', '--out', out, '--queue', server!.url], 240_000);
    const folder = path.join(out, 'fold-0');
    await untilCheckpointed(path.join(folder, 'checkpoints'), /step-0*[2-9]\b/, first);
    const second = startWorker();
    // The lock lost as when a step holds the event loop past --lock-ms: its key gone, the stalled
    // check gives the job to the idle worker while the first one trains on.
    const client = new Redis({ host: '127.0.0.1', port: server!.port });
    try {
      const locks = await client.keys(`bull:${QUEUE_NAME}:*:lock`);
      expect(locks).toHaveLength(1);
      await client.del(locks[0]!);
    } finally {
      client.disconnect();
    }
    const result = await run;
    expect(result.code, `${result.stderr}\n${first.output.join('')}\n${second.output.join('')}`).toBe(0);
    expect(second.output.join('')).toMatch(new RegExp(`being trained by pid ${first.pid} on .*waiting for it to end`));
    expect(second.output.join('')).toMatch(/skipped .*fold 0 of 2.*: its model exists already/);
    expect(result.stdout).toMatch(/fold 0: .*\(its model existed, skipped\)/);
    expect(starts(folder)).toHaveLength(1);
    expect(records(folder, 'stop').map(({ reason, step }) => ({ reason, step }))).toEqual([{ reason: 'completed', step: 24 }]);
    expect(existsSync(path.join(folder, 'trainer.lock'))).toBe(false);
    first.kill('SIGTERM');
    second.kill('SIGTERM');
  }, 240_000);
});
