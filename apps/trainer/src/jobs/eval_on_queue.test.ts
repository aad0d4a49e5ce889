import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodePng } from '@unet/data/node';
import { redisUnavailableReason, startRedisServer, type RedisServer } from '@unet/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { cheapJobFlags, cli, saveTinyModel, unet, writeTinyImages } from './__fixtures__/tiny_segmentation.js';

const reason = redisUnavailableReason();
const work = mkdtempSync(path.join(tmpdir(), 'unet-eval-queue-'));
let server: RedisServer | undefined;
const workers: ChildProcess[] = [];

const data = path.join(work, 'data');

/** The Redis, two workers, a model and a folder data set of 6 images and masks of discs (0/255), made by the first test that runs. */
async function ready(): Promise<RedisServer> {
  if (server !== undefined) return server;
  server = await startRedisServer();
  await saveTinyModel(path.join(work, 'model'));
  await writeTinyImages(path.join(data, 'images'), 6);
  mkdirSync(path.join(data, 'masks'));
  for (let index = 0; index < 6; index++) {
    const mask = Uint8Array.from({ length: 32 * 32 }, (_, pixel) =>
      Math.hypot((pixel % 32) - 10 - index, Math.floor(pixel / 32) - 16) < 6 + index ? 255 : 0,
    );
    writeFileSync(
      path.join(data, 'masks', `img_${String(index).padStart(3, '0')}.png`),
      encodePng({ width: 32, height: 32, channels: 1, data: mask }),
    );
  }
  for (let index = 0; index < 2; index++) {
    workers.push(
      spawn(process.execPath, [cli, 'worker', '--queue', server.url, '--allow-root', work, '--backend', 'wasm'], { stdio: 'ignore' }),
    );
  }
  return server;
}

const measures = (output: string) => {
  const { seconds: _seconds, ...rest } = JSON.parse(output.trim().split('\n').at(-1)!);
  return rest;
};

afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('unet eval --queue', () => {
  it('measures each image as a job and merges them into the numbers of unet eval in one process', async (context) => {
    if (reason !== undefined) context.skip(reason);
    await ready();
    const model = path.join(work, 'model');
    const flags = ['--model', model, '--data', data, '--format', 'folder', '--backend', 'wasm', '--json', ...cheapJobFlags];
    const [inProcess, queued] = await Promise.all([unet(['eval', ...flags]), unet(['eval', ...flags, '--queue', server!.url])]);
    expect(inProcess.code, inProcess.stderr).toBe(0);
    expect(queued.code, queued.stderr).toBe(0);
    const [expected, actual] = [measures(inProcess.stdout), measures(queued.stdout)];
    expect(expected.images).toBe(6);
    expect(expected.randError).toBeGreaterThan(0);
    expect(actual).toEqual(expected);

    const refused = await unet(['eval', ...flags, '--queue', server!.url, '--pick-threshold', 'iou']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--pick-threshold measures the images twice in one process; run it without --queue/);
  }, 120_000);

  it('measures an ensemble (--model A,B) as jobs into the numbers of the same ensemble in one process', async (context) => {
    if (reason !== undefined) context.skip(reason);
    const url = (await ready()).url;
    const first = path.join(work, 'model');
    const second = await saveTinyModel(path.join(work, 'model-b'), 4);
    const flags = ['--data', data, '--format', 'folder', '--backend', 'wasm', '--json', ...cheapJobFlags];
    const ensemble = ['--model', `${first},${second}`, ...flags];
    const [inProcess, queued, alone] = await Promise.all([
      unet(['eval', ...ensemble]),
      unet(['eval', ...ensemble, '--queue', url]),
      unet(['eval', '--model', first, ...flags]),
    ]);
    for (const run of [inProcess, queued, alone]) expect(run.code, run.stderr).toBe(0);
    const [expected, actual] = [measures(inProcess.stdout), measures(queued.stdout)];
    expect(expected.images).toBe(6);
    expect(actual).toEqual(expected);
    // The mean of two models' probabilities, not the first model's alone.
    const { model: _model, ...single } = measures(alone.stdout);
    const { model: _models, ...averaged } = expected;
    expect(averaged).not.toEqual(single);

    const recorded = await unet(['eval', ...ensemble, '--record']);
    expect(recorded.code).toBe(2);
    expect(recorded.stderr).toMatch(/--record writes into one model's model.json; --model names 2: record each model alone/);
    for (const worker of workers) worker.kill('SIGTERM');
  }, 120_000);
});
