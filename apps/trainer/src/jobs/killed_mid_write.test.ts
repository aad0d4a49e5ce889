import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { readLabelImage } from '@unet/data/node';
import { redisUnavailableReason, startRedisServer, type RedisServer } from '@unet/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { cheapJobFlags, cli, saveTinyModel, unet, writeTinyImages } from './__fixtures__/tiny_segmentation.js';

const reason = redisUnavailableReason();
const work = mkdtempSync(path.join(tmpdir(), 'unet-killed-write-'));
let server: RedisServer | undefined;
const workers: ChildProcess[] = [];

/** A worker with 2 s locks: a killed one gives its job back within about 3 s. */
function startWorker(): ChildProcess {
  const worker = spawn(
    process.execPath,
    [cli, 'worker', '--queue', server!.url, '--allow-root', work, '--backend', 'wasm', '--lock-ms', '2000'],
    {
      stdio: 'ignore',
    },
  );
  workers.push(worker);
  return worker;
}

afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('a worker SIGKILLed while it writes a mask', () => {
  it('leaves a temporary file that is never taken for the mask; the next run of the job removes it and writes the mask', async (context) => {
    if (reason !== undefined) context.skip(reason);
    server = await startRedisServer();
    const model = await saveTinyModel(path.join(work, 'model'));
    // Region by region, the mask's tiled TIFF is written band by band under its temporary name for the whole job.
    const [image] = await writeTinyImages(path.join(work, 'images'), 1, 512);
    const out = path.join(work, 'queued');
    const flags = ['--model', model, image!, '--by-regions', ...cheapJobFlags];
    const doomed = startWorker();
    const run = unet(['predict', ...flags, '--out', out, '--queue', server.url], 120_000);
    const temporary = /^img_000\.tif\.writer~.+\.tmp$/;
    const temporaries = () => (existsSync(out) ? readdirSync(out).filter((name) => temporary.test(name)) : []);
    while (temporaries().length === 0) {
      if (doomed.exitCode !== null) throw new Error('the worker ended before it wrote');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    doomed.kill('SIGKILL');
    await new Promise((resolve) => doomed.once('exit', resolve));
    const [left] = temporaries();
    expect(left).toBeDefined();
    // Not the mask, and not done: the output check asks for NAME.tif itself.
    expect(existsSync(path.join(out, 'img_000.tif'))).toBe(false);
    const status = await unet(['queue', 'status', '--queue', server.url]);
    expect(status.stdout).toMatch(/, 0 done, 0 failed/);

    startWorker();
    const [queued, inProcess] = await Promise.all([
      run,
      unet(['predict', ...flags, '--out', path.join(work, 'here'), '--backend', 'wasm'], 120_000),
    ]);
    expect(queued.code, `${queued.stdout}\n${queued.stderr}`).toBe(0);
    expect(inProcess.code, inProcess.stderr).toBe(0);
    expect(readdirSync(out)).toEqual(['img_000.tif']);
    const [expected, actual] = [
      await readLabelImage(path.join(work, 'here', 'img_000.tif')),
      await readLabelImage(path.join(out, 'img_000.tif')),
    ];
    expect(Array.from(actual.data)).toEqual(Array.from(expected.data));
    const after = await unet(['queue', 'status', '--queue', server.url]);
    expect(after.stdout).toMatch(/: 0 waiting, 0 active, 1 done, 0 failed$/m);

    // A run after a crash of everything: the command removes what the dead writers left, once per folder.
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const leftover = path.join(out, `img_000.tif.writer~${hostname()}~${dead}~0~0123abcd.tmp`);
    writeFileSync(leftover, 'torn');
    const again = await unet(['predict', ...flags, '--out', out, '--queue', server.url], 120_000);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/removed 1 temporary file\(s\) that killed writers left beside the outputs/);
    expect(readdirSync(out)).toEqual(['img_000.tif']);
    // unet predict in one process clears its --out the same way.
    const here = path.join(work, 'here');
    writeFileSync(path.join(here, `img_000.tif.writer~${hostname()}~${dead}~0~4567cdef.tmp`), 'torn');
    const hereAgain = await unet(['predict', ...flags, '--out', here, '--backend', 'wasm'], 120_000);
    expect(hereAgain.code, hereAgain.stderr).toBe(0);
    expect(hereAgain.stdout).toMatch(/removed 1 temporary file\(s\) that killed writers left beside the outputs/);
    expect(readdirSync(here)).toEqual(['img_000.tif']);
    for (const worker of workers) worker.kill('SIGTERM');
  }, 120_000);
});
