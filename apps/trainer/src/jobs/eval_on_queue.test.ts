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

afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('unet eval --queue', () => {
  it('measures each image as a job and merges them into the numbers of unet eval in one process', async (context) => {
    if (reason !== undefined) context.skip(reason);
    server = await startRedisServer();
    const model = await saveTinyModel(path.join(work, 'model'));
    // A folder data set: 6 images and masks of discs, 0/255.
    const data = path.join(work, 'data');
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
    const flags = ['--model', model, '--data', data, '--format', 'folder', '--backend', 'wasm', '--json', ...cheapJobFlags];
    const [inProcess, queued] = await Promise.all([unet(['eval', ...flags]), unet(['eval', ...flags, '--queue', server.url])]);
    expect(inProcess.code, inProcess.stderr).toBe(0);
    expect(queued.code, queued.stderr).toBe(0);
    const measures = (output: string) => {
      const { seconds: _seconds, ...rest } = JSON.parse(output.trim().split('\n').at(-1)!);
      return rest;
    };
    const [expected, actual] = [measures(inProcess.stdout), measures(queued.stdout)];
    expect(expected.images).toBe(6);
    expect(expected.randError).toBeGreaterThan(0);
    expect(actual).toEqual(expected);

    const refused = await unet(['eval', ...flags, '--queue', server.url, '--pick-threshold', 'iou']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--pick-threshold measures the images twice in one process; run it without --queue/);
    for (const worker of workers) worker.kill('SIGTERM');
  }, 120_000);
});
