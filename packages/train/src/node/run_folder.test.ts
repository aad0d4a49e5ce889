// tfjs-core first: when @unet/core's bundled gradient code is the first copy of tfjs-core to
// load, tensors get its Tensor class, whose chained ops (used by the Cast gradient) are missing.
import '@tensorflow/tfjs-core';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import '@unet/core';
import { createUNet, loadUNet, presetConfig } from '@unet/model';
import { fileSystem } from '@unet/model/node';
import { describeWithBackends } from '@unet/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fit } from '../fit/fit.js';
import { weightedCrossEntropyLoss } from '../losses/weighted_cross_entropy.js';
import { createOptimizer } from '../optim/optimizers.js';
import { diskBatches } from './__fixtures__/synthetic_batches.mjs';
import { readJsonlLog } from './jsonl_log.js';
import { openRunFolder, saveCheckpointModel } from './run_folder.js';

describeWithBackends('openRunFolder', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'unet-run-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('holds config.json, log.jsonl and checkpoints/, and exports a checkpoint as a loadable model', async () => {
    const run = await openRunFolder(root, { keep: 1 });
    await run.writeConfig({ preset: 'small', steps: 3 });
    const model = createUNet(presetConfig('small', { baseChannels: 4, depth: 2, seed: 2 }));
    const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
    await fit({
      model,
      optimizer,
      batches: diskBatches({ size: 16, batchSize: 1 }),
      steps: 3,
      loss: weightedCrossEntropyLoss(),
      checkpoint: { every: 2, store: run.checkpoints },
      log: run.log,
    });
    await run.close();
    expect((await readdir(root)).sort()).toEqual(['checkpoints', 'config.json', 'log.jsonl']);
    expect(JSON.parse(await readFile(path.join(root, 'config.json'), 'utf8'))).toEqual({ preset: 'small', steps: 3 });
    const records = await readJsonlLog(path.join(root, 'log.jsonl'));
    expect(records.map((record) => record.type)).toEqual(['start', 'step', 'step', 'checkpoint', 'step', 'checkpoint', 'stop']);

    const latest = await run.checkpoints.load();
    await saveCheckpointModel(latest!, path.join(root, 'model'));
    const loaded = await loadUNet(fileSystem(path.join(root, 'model')));
    const expected = model.namedWeights();
    for (const [index, { name, variable }] of loaded.namedWeights().entries()) {
      expect(name).toBe(expected[index].name);
      expect(Array.from(variable.dataSync())).toEqual(Array.from(expected[index].variable.dataSync()));
    }
    for (const item of [model, optimizer, loaded]) item.dispose();
  });
}, ['wasm']);
