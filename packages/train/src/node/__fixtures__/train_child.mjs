// A training run in a child process, for the kill test (kill_resume.test.ts). It runs the
// built package (dist), as the `unet` command line would.
//   node train_child.mjs <run folder> <steps> <fresh|resume> [milliseconds to sleep per step]
// It prints "checkpoint <step>" after each checkpoint and "done" at the end, and writes the
// final weights, in network order, to <run folder>/final-weights.bin.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { createUNet, presetConfig } from '@unet/model';
import { createOptimizer, fit, weightedCrossEntropyLoss } from '@unet/train';
import { openRunFolder } from '@unet/train/node';
import { diskBatches } from './synthetic_batches.mjs';

const [folder, stepsText, mode, sleepText = '0'] = process.argv.slice(2);
const sleep = Number(sleepText);
await tf.setBackend('wasm');
await tf.ready();

const run = await openRunFolder(folder, { keep: 2 });
const model = createUNet(presetConfig('small', { baseChannels: 4, dropout: 0.2, seed: 3 }));
const optimizer = createOptimizer({ name: 'momentum', learningRate: 0.01, momentum: 0.99 });
const result = await fit({
  model,
  optimizer,
  batches: diskBatches({ size: 32, batchSize: 2, seed: 5 }),
  steps: Number(stepsText),
  loss: weightedCrossEntropyLoss(),
  clip: { globalNorm: 10 },
  seed: 21,
  checkpoint: { every: 2, store: run.checkpoints },
  log: run.log,
  resume: mode === 'resume',
  config: { fixture: 'train_child' },
  callbacks: {
    onStep: () => (sleep > 0 ? new Promise((resolve) => setTimeout(resolve, sleep)) : undefined),
    onCheckpoint: (info) => void process.stdout.write(`checkpoint ${info.step}\n`),
  },
});
const values = model.namedWeights().map(({ variable }) => Buffer.from(variable.dataSync().buffer));
await writeFile(path.join(folder, 'final-weights.bin'), Buffer.concat(values));
await run.close();
process.stdout.write(`done ${result.steps}\n`);
