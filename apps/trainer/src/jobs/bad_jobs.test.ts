import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { redisUnavailableReason, startRedisServer, type RedisServer } from '@unet/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, saveTinyModel, unet, writeTinyImages } from './__fixtures__/tiny_segmentation.js';
import { followRun } from './follow_run.js';
import { parseQueueUrl } from './queue_url.js';
import { RedisJobQueue } from './redis_job_queue.js';
import { segmentationJob } from './segmentation_job.js';

const reason = redisUnavailableReason();
const work = mkdtempSync(path.join(tmpdir(), 'unet-bad-jobs-'));
const elsewhere = mkdtempSync(path.join(tmpdir(), 'unet-not-allowed-'));
let server: RedisServer | undefined;
let worker: ChildProcess | undefined;
let workerOutput = '';

afterAll(async () => {
  if (worker?.exitCode === null) worker.kill('SIGKILL');
  await server?.stop();
  for (const folder of [work, elsewhere]) rmSync(folder, { recursive: true, force: true });
});

const options = {
  blend: 'none',
  tta: false,
  overlay: false,
  probabilities: false,
  instances: false,
  outputTileSize: 32,
  contextMargin: 16,
} as const;

describe('bad jobs', () => {
  it('fail alone, each with its reason, while the others complete; the queue shows, retries and cleans them', async (context) => {
    if (reason !== undefined) context.skip(reason);
    server = await startRedisServer();
    const model = await saveTinyModel(path.join(work, 'model'));
    const [first, second] = await writeTinyImages(path.join(work, 'images'), 2);
    const [outsider] = await writeTinyImages(elsewhere, 1);
    const corrupt = path.join(work, 'images', 'corrupt.png');
    writeFileSync(corrupt, Buffer.from('\x89PNG\r\n\x1a\n this is not the rest of a PNG'));
    const notAModel = path.join(work, 'not-a-model');
    mkdirSync(notAModel);
    writeFileSync(path.join(notAModel, 'model.json'), '{"format": "something else"}');
    const out = path.join(work, 'out');
    const jobs = [
      segmentationJob(first!, model, path.join(out, 'first.png'), options),
      segmentationJob(path.join(work, 'images', 'gone.png'), model, path.join(out, 'gone.png'), options),
      segmentationJob(corrupt, model, path.join(out, 'corrupt.png'), options),
      segmentationJob(outsider!, model, path.join(out, 'outsider.png'), options),
      segmentationJob(second!, notAModel, path.join(out, 'no-model.png'), options),
      segmentationJob(second!, model, path.join(out, 'second.png'), options),
    ];

    worker = spawn(process.execPath, [cli, 'worker', '--queue', server.url, '--allow-root', work, '--backend', 'wasm'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (chunk: Buffer) => (workerOutput += chunk.toString()));
    worker.stderr!.on('data', (chunk: Buffer) => (workerOutput += chunk.toString()));

    const queue = new RedisJobQueue(parseQueueUrl(server.url));
    try {
      // Two attempts 100 ms apart for what may be passing (the corrupt read); the rest fail at once.
      const ids = await queue.enqueue('bad', jobs, { attempts: 2, backoffMs: 100 });
      const { counts, failures } = await followRun(queue, ids, { pollMs: 100 });
      expect(counts).toEqual({ waiting: 0, active: 0, delayed: 0, done: 2, failed: 4 });
      expect(existsSync(path.join(out, 'first.png')) && existsSync(path.join(out, 'second.png'))).toBe(true);
      const byInput = Object.fromEntries(failures.map((failure) => [path.basename(failure.input), failure]));
      expect(byInput['gone.png']).toMatchObject({ attempts: 1, reason: expect.stringMatching(/gone.png: no such file/) });
      expect(byInput['corrupt.png']).toMatchObject({ attempts: 2, reason: expect.stringMatching(/corrupt.png: cannot be decoded/) });
      expect(byInput[path.basename(outsider!)]).toMatchObject({
        attempts: 1,
        reason: expect.stringMatching(/lies outside the folders this worker may use/),
      });
      expect(failures.find((failure) => failure.id === 'bad-4')).toMatchObject({
        attempts: 1,
        reason: expect.stringMatching(/not-a-model: not a model folder unet can load/),
      });
      for (const name of ['gone.png', 'corrupt.png', 'outsider.png', 'no-model.png'])
        expect(existsSync(path.join(out, name)), name).toBe(false);
      expect(workerOutput).toMatch(/failed bad-3: .*: input .* lies outside/);

      const status = await unet(['queue', 'status', '--queue', server.url]);
      expect(status.stdout).toMatch(/0 waiting, 0 active, 2 done, 4 failed/);
      expect(status.stdout).toMatch(/failed bad-2: .*corrupt.png \(2 attempt\(s\)\): .*cannot be decoded/);

      const retried = await unet(['queue', 'retry-failed', '--queue', server.url]);
      expect(retried.stdout).toMatch(/^4 failed job\(s\) moved back to waiting/);
      const again = await followRun(queue, ids, { pollMs: 100 });
      expect(again.counts).toMatchObject({ done: 2, failed: 4 });

      const cleaned = await unet(['queue', 'clean', '--queue', server.url]);
      expect(cleaned.stdout).toMatch(/^removed 6 job record\(s\)/);
      expect(await queue.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, done: 0, failed: 0 });
    } finally {
      await queue.close();
    }
    worker.kill('SIGTERM');
    await new Promise((resolve) => worker!.once('exit', resolve));
    expect(worker.exitCode, workerOutput).toBe(0);
  }, 60_000);
});
