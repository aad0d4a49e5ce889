import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRedisServer } from '@unet/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { cheapJobFlags, cli, saveTinyModel, unet, writeTinyImages } from './__fixtures__/tiny_segmentation.js';

// A benchmark, run on request (UNET_QUEUE_BENCH=1): JSON lines of images per second with 1, 2
// and 4 workers, against unet predict in one process; the difference per image with one worker is
// what the queue costs a job.
const enabled = process.env.UNET_QUEUE_BENCH === '1';
const images = Number(process.env.UNET_QUEUE_BENCH_IMAGES ?? 200);
const work = mkdtempSync(path.join(tmpdir(), 'unet-queue-bench-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function startWorker(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [cli, 'worker', '--queue', url, '--allow-root', work, '--backend', 'wasm'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker on ')) resolve(child);
    });
  });
}

describe('queue throughput', () => {
  it('with 1, 2 and 4 workers against one process', async (context) => {
    if (!enabled) context.skip('a benchmark; run with UNET_QUEUE_BENCH=1');
    const model = await saveTinyModel(path.join(work, 'model'));
    const inputs = path.join(work, 'images');
    await writeTinyImages(inputs, images);
    const inProcess = await unet(
      ['predict', '--model', model, inputs, '--out', path.join(work, 'in-process'), '--backend', 'wasm', ...cheapJobFlags],
      600_000,
    );
    expect(inProcess.code, inProcess.stderr).toBe(0);
    const inProcessSeconds = Number(/segmented \d+ image\(s\) in ([\d.]+) s/.exec(inProcess.stdout)![1]);
    const record = (fields: Record<string, unknown>) =>
      process.stdout.write(`${JSON.stringify({ case: 'queue-throughput', images, imageSize: 32, ...fields })}\n`);
    record({
      runner: 'in-process',
      workers: 1,
      seconds: inProcessSeconds,
      imagesPerSecond: Number((images / inProcessSeconds).toFixed(1)),
    });
    const server = await startRedisServer();
    try {
      let oneWorkerSeconds = 0;
      for (const count of [1, 2, 4]) {
        const workers = await Promise.all(Array.from({ length: count }, () => startWorker(server.url)));
        const run = await unet(
          ['predict', '--queue', server.url, '--model', model, inputs, '--out', path.join(work, `queue-${count}`), ...cheapJobFlags],
          600_000,
        );
        expect(run.code, run.stderr).toBe(0);
        // From the jobs queued to the last done, as the run reports it (it polls every 0.5 s).
        const seconds = Number(/0 failed in ([\d.]+) s/.exec(run.stdout)![1]);
        if (count === 1) oneWorkerSeconds = seconds;
        record({
          runner: 'redis',
          workers: count,
          seconds,
          imagesPerSecond: Number((images / seconds).toFixed(1)),
          ...(count === 1 ? { queueMsPerJob: Number((((seconds - inProcessSeconds) / images) * 1000).toFixed(1)) } : {}),
        });
        for (const worker of workers) worker.kill('SIGTERM');
        await Promise.all(
          workers.map((worker) => new Promise((resolve) => (worker.exitCode === null ? worker.once('exit', resolve) : resolve(undefined)))),
        );
      }
      expect(oneWorkerSeconds).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  }, 1_800_000);
});
