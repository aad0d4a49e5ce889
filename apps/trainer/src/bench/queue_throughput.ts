import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { encodePng } from '@unet/data/node';
import { createUNet, presetConfig, saveUNet } from '@unet/model';
import { fileSystem } from '@unet/model/node';

/** The built command line beside this file (dist/cli.js): the runs and workers are processes of their own, as a user starts them. */
const cli = fileURLToPath(new URL('../cli.js', import.meta.url));
/** Cheap jobs: 32 px tiles with 16 px context on wasm, so that the queue's own cost shows. */
const jobFlags = ['--tile', '32', '--context-margin', '16'];

export interface QueueBenchOptions {
  /** A Redis the benchmark may fill and clean (redis://HOST:PORT/DB). */
  url: string;
  /** Gray images of 32 x 32 px: 200. */
  images?: number;
  /** Worker counts to time, one after another: 1, 2, 4. */
  workers?: number[];
}

export interface QueueBenchLine {
  case: 'queue-throughput';
  images: number;
  imageSize: 32;
  runner: 'in-process' | 'redis';
  workers: number;
  seconds: number;
  imagesPerSecond: number;
  /** With 1 worker: the time a job costs above the in-process run, per image. */
  queueMsPerJob?: number;
}

function run(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cli, ...args], { maxBuffer: 1 << 24 }, (error, stdout, stderr) =>
      error === null ? resolve(stdout) : reject(new Error(`unet ${args[0]} failed: ${stderr || error.message}`)),
    );
  });
}

function startWorker(url: string, root: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [cli, 'worker', '--queue', url, '--allow-root', root, '--backend', 'wasm'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.once('exit', (code) => reject(new Error(`unet worker exited with ${code} before it started:\n${output}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker on ')) resolve(child);
    });
  });
}

/**
 * `unet bench --queue URL`: images per second of `unet predict` in one process, then of
 * `unet predict --queue` with 1, 2 and 4 `unet worker` processes, one JSON line each. An
 * untrained small U-Net of 4 base channels on tiny images, so that the queue's cost per job
 * (the difference per image with one worker) is not hidden by the compute.
 */
export async function benchQueueThroughput(options: QueueBenchOptions, emit: (line: QueueBenchLine) => void): Promise<void> {
  const images = options.images ?? 200;
  const work = mkdtempSync(path.join(tmpdir(), 'unet-queue-bench-'));
  try {
    await tf.setBackend('cpu');
    const model = path.join(work, 'model');
    const network = createUNet(presetConfig('small', { baseChannels: 4, seed: 3 }));
    await saveUNet(network, fileSystem(model), { classNames: ['background', 'object'], labelMapping: { values: [0, 255] } });
    network.dispose();
    const inputs = path.join(work, 'images');
    mkdirSync(inputs);
    let state = 12345;
    for (let index = 0; index < images; index++) {
      const data = Uint8Array.from({ length: 32 * 32 }, () => {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        return state >>> 24;
      });
      writeFileSync(
        path.join(inputs, `img_${String(index).padStart(4, '0')}.png`),
        encodePng({ width: 32, height: 32, channels: 1, data }),
      );
    }
    const line = (fields: Pick<QueueBenchLine, 'runner' | 'workers' | 'seconds'> & { queueMsPerJob?: number }) =>
      emit({ case: 'queue-throughput', images, imageSize: 32, ...fields, imagesPerSecond: Number((images / fields.seconds).toFixed(1)) });

    const inProcess = await run([
      'predict',
      '--model',
      model,
      inputs,
      '--out',
      path.join(work, 'in-process'),
      '--backend',
      'wasm',
      ...jobFlags,
    ]);
    const inProcessSeconds = Number(/segmented \d+ image\(s\) in ([\d.]+) s/.exec(inProcess)![1]);
    line({ runner: 'in-process', workers: 1, seconds: inProcessSeconds });
    for (const count of options.workers ?? [1, 2, 4]) {
      const workers = await Promise.all(Array.from({ length: count }, () => startWorker(options.url, work)));
      try {
        const queued = await run([
          'predict',
          '--queue',
          options.url,
          '--model',
          model,
          inputs,
          '--out',
          path.join(work, `queue-${count}`),
          ...jobFlags,
        ]);
        // From the jobs queued to the last done, as the run reports it (it looks every 0.5 s).
        const seconds = Number(/0 failed in ([\d.]+) s/.exec(queued)![1]);
        line({
          runner: 'redis',
          workers: count,
          seconds,
          ...(count === 1 ? { queueMsPerJob: Number((((seconds - inProcessSeconds) / images) * 1000).toFixed(1)) } : {}),
        });
      } finally {
        for (const worker of workers) {
          worker.removeAllListeners('exit');
          worker.kill('SIGTERM');
        }
        await Promise.all(
          workers.map((worker) => new Promise((resolve) => (worker.exitCode === null ? worker.once('exit', resolve) : resolve(undefined)))),
        );
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
