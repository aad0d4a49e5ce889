import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readLabelImage } from '@unet/data/node';
import { redisUnavailableReason, startRedisServer, type RedisServer } from '@unet/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { cheapJobFlags, cli, saveTinyModel, unet, writeTinyImages } from './__fixtures__/tiny_segmentation.js';
import { partsFolder, splitHugeImageJob } from './huge_image_jobs.js';
import { segmentationJob } from './segmentation_job.js';

const reason = redisUnavailableReason();
const work = mkdtempSync(path.join(tmpdir(), 'unet-huge-jobs-'));
let server: RedisServer | undefined;
const workers: ChildProcess[] = [];

afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('splitHugeImageJob', () => {
  it('cuts the rows into parts of rowsPerJob, the last one short, and an assembly of them into the job output', () => {
    const options = { blend: 'none', tta: false, overlay: false, probabilities: false, instances: false, byRegions: true } as const;
    const job = segmentationJob('/data/big.tif', '/models/m', '/out/big.tif', options);
    const { parent, children } = splitHugeImageJob(job, { width: 500, height: 1000 }, 400);
    expect(children.map((child) => child.options.rows)).toEqual([
      { start: 0, end: 400 },
      { start: 400, end: 800 },
      { start: 800, end: 1000 },
    ]);
    expect(children[1]!.output).toBe('/out/.big.tif.parts/rows-000400-000800.bin');
    expect(parent).toMatchObject({
      kind: 'assemble',
      output: '/out/big.tif',
      width: 500,
      height: 1000,
      parts: children.map((child) => child.output),
    });
  });
});

describe('unet predict --queue on an image taller than --rows-per-job', () => {
  it('shares it among workers as jobs of rows and a job that joins them, equal to the in-process mask pixel for pixel', async (context) => {
    if (reason !== undefined) context.skip(reason);
    server = await startRedisServer();
    const model = await saveTinyModel(path.join(work, 'model'));
    // Region by region (--by-regions stands for an image over the 64 Mpx threshold): 160 px tall, 32 px tiles, 40 rows a job.
    const [image] = await writeTinyImages(path.join(work, 'images'), 1, 160);
    for (let index = 0; index < 2; index++) {
      workers.push(
        spawn(process.execPath, [cli, 'worker', '--queue', server.url, '--allow-root', work, '--backend', 'wasm'], { stdio: 'ignore' }),
      );
    }
    const flags = ['--model', model, image!, '--by-regions', ...cheapJobFlags];
    const [inProcess, queued] = await Promise.all([
      unet(['predict', ...flags, '--out', path.join(work, 'here'), '--backend', 'wasm']),
      unet(['predict', ...flags, '--out', path.join(work, 'queued'), '--queue', server.url, '--rows-per-job', '40']),
    ]);
    expect(inProcess.code, inProcess.stderr).toBe(0);
    expect(queued.code, `${queued.stdout}\n${queued.stderr}`).toBe(0);
    expect(queued.stdout).toMatch(/img_000.png: 4 jobs of 40 rows, then one that joins them into .*queued\/img_000.tif/);
    expect(queued.stdout).toMatch(/0 failed/);
    const [expected, actual] = [
      await readLabelImage(path.join(work, 'here', 'img_000.tif')),
      await readLabelImage(path.join(work, 'queued', 'img_000.tif')),
    ];
    expect([actual.width, actual.height]).toEqual([160, 160]);
    expect(new Set(expected.data).size).toBeGreaterThan(1);
    expect(Array.from(actual.data)).toEqual(Array.from(expected.data));
    expect(existsSync(partsFolder(path.join(work, 'queued', 'img_000.tif')))).toBe(false);
    for (const worker of workers) worker.kill('SIGTERM');
    await Promise.all(
      workers.map((worker) => new Promise((resolve) => (worker.exitCode === null ? worker.once('exit', resolve) : resolve(undefined)))),
    );

    // With no worker left, unet queue status counts the assembly that waits for its parts as waiting.
    const detached = await unet([
      'predict',
      ...flags,
      '--out',
      path.join(work, 'later'),
      '--queue',
      server.url,
      '--rows-per-job',
      '40',
      '--detach',
    ]);
    expect(detached.code, detached.stderr).toBe(0);
    const status = await unet(['queue', 'status', '--queue', server.url]);
    expect(status.stdout).toMatch(/5 waiting, 0 active, 5 done, 0 failed/);

    // clean --all removes the waiting assembly too, not only its parts: nothing is left.
    const cleaned = await unet(['queue', 'clean', '--all', '--queue', server.url]);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(cleaned.stdout).toMatch(/removed 10 job record\(s\)/);
    const after = await unet(['queue', 'status', '--queue', server.url]);
    expect(after.stdout).toMatch(/: 0 waiting, 0 active, 0 done, 0 failed$/m);
  }, 120_000);
});
