import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { redisUnavailableReason, startRedisServer, type RedisServer } from '@unet/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { parseQueueUrl } from './queue_url.js';
import { RedisJobQueue } from './redis_job_queue.js';
import { cheapJobFlags, cli, saveTinyModel, unet, writeTinyImages } from './__fixtures__/tiny_segmentation.js';

/** A `unet` process whose output is kept as it comes. */
interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(args: readonly string[]): Running {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

const masks = (folder: string) =>
  readdirSync(folder)
    .filter((name) => name.endsWith('.png'))
    .sort();

const reason = redisUnavailableReason();
const work = mkdtempSync(path.join(tmpdir(), 'unet-distributed-'));
let server: RedisServer | undefined;
const workers: Running[] = [];

afterAll(async () => {
  for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('a distributed run on localhost', () => {
  it('segments 200 images with 3 workers, one SIGKILLed and Redis restarted mid-run: every mask once, equal to the in-process one byte for byte', async (context) => {
    if (reason !== undefined) context.skip(reason);
    server = await startRedisServer();
    const model = await saveTinyModel(path.join(work, 'model'));
    const inputs = path.join(work, 'images');
    await writeTinyImages(inputs, 200);

    // The reference: unet predict in one process, no queue. Every process runs wasm, whose results do not depend on the process.
    const reference = await unet([
      'predict',
      '--model',
      model,
      inputs,
      '--out',
      path.join(work, 'reference'),
      '--backend',
      'wasm',
      ...cheapJobFlags,
    ]);
    expect(reference.code, reference.stderr).toBe(0);

    // Locks of 2 s, so that the killed worker's job comes back within seconds.
    for (let index = 0; index < 3; index++) {
      workers.push(start(['worker', '--queue', server.url, '--allow-root', work, '--backend', 'wasm', '--lock-ms', '2000']));
    }
    const out = path.join(work, 'out');
    const run = start(['predict', '--queue', server.url, '--model', model, inputs, '--out', out, ...cheapJobFlags]);

    let killedAt: number | undefined;
    let restartedAt: number | undefined;
    const finished = run.exited.then((exit) => ({ ...exit, done: true as const }));
    for (;;) {
      const settled = await Promise.race([finished, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 50))]);
      if (settled !== undefined) break;
      let written = 0;
      try {
        written = masks(out).length;
      } catch {
        // --out is made by the first worker that writes.
      }
      if (killedAt === undefined && written >= 30) {
        workers[0]!.child.kill('SIGKILL');
        killedAt = written;
      }
      if (restartedAt === undefined && written >= 80) {
        await server.restart();
        restartedAt = written;
      }
    }
    const exit = await finished;
    expect(exit.code, run.output()).toBe(0);
    expect(killedAt, 'the worker was killed before the end').toBeLessThan(200);
    expect(restartedAt, 'Redis restarted before the end').toBeLessThan(200);
    expect(run.output()).toMatch(/0 waiting, 0 active, 200 done, 0 failed in/);
    expect((await workers[0]!.exited).signal).toBe('SIGKILL');

    const referenceFolder = path.join(work, 'reference');
    expect(masks(out)).toEqual(masks(referenceFolder));
    expect(masks(out)).toHaveLength(200);
    for (const name of masks(out)) {
      expect(readFileSync(path.join(out, name)).equals(readFileSync(path.join(referenceFolder, name))), name).toBe(true);
    }
    // Nothing twice: no output was written by two workers (a job met again finds its mask and is skipped).
    const writes = new Map<string, number>();
    for (const worker of workers) {
      for (const match of worker.output().matchAll(/^done \S+: \S+ -> (\S+) in/gm)) writes.set(match[1]!, (writes.get(match[1]!) ?? 0) + 1);
    }
    expect([...writes.values()].filter((count) => count > 1)).toEqual([]);
    // Both surviving workers took part.
    for (const worker of workers.slice(1)) expect(worker.output()).toMatch(/^done /m);

    // The killed worker held a job (a worker fetches its next job as it finishes one): that job
    // stalled when its lock expired and went back to waiting, and another worker completed it.
    const queue = new RedisJobQueue(parseQueueUrl(server.url));
    const completed = await queue.queue.getCompleted(0, -1);
    await queue.close();
    expect(completed).toHaveLength(200);
    expect(completed.reduce((sum, job) => sum + job.stalledCounter, 0)).toBeGreaterThanOrEqual(1);

    const status = await unet(['queue', 'status', '--queue', server.url]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/0 waiting, 0 active, 200 done, 0 failed/);

    // SIGTERM: each worker finishes what it holds and exits cleanly.
    for (const worker of workers.slice(1)) worker.child.kill('SIGTERM');
    for (const worker of workers.slice(1)) {
      expect((await worker.exited).code, worker.output()).toBe(0);
      expect(worker.output()).toMatch(/SIGTERM: stopping after the current job\(s\)[^\n]*\nworker stopped/);
    }
  }, 120_000);
});
