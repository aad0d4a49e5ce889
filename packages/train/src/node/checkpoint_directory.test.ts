import { mkdir, mkdtemp, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointError } from '../errors.js';
import type { TrainingCheckpoint } from '../fit/checkpoint.js';
import { directoryCheckpointStore } from './checkpoint_directory.js';

/** A small checkpoint whose values depend on the step, made without tensors. */
function fakeCheckpoint(step: number): TrainingCheckpoint {
  return {
    step,
    model: {
      config: {
        inputChannels: 1,
        classes: 2,
        baseChannels: 4,
        depth: 2,
        padding: 'same',
        normalization: 'batch',
        convolutionBias: false,
        upSampling: 'transposed',
        dropout: 0,
        initialization: 'he',
        seed: 1,
      },
      metadata: { classNames: ['background', 'cell'] },
      weights: [
        { name: 'down0/conv1/kernel', shape: [2, 3], dtype: 'float32', data: Float32Array.from([1, 2, 3, 4, 5, -0], (v) => v + step / 3) },
        { name: 'head/bias', shape: [2], dtype: 'float32', data: Float32Array.from([Number.MIN_VALUE, -1e30]) },
      ],
    },
    optimizer: {
      className: 'Adam',
      iterations: step,
      weights: [{ name: 'x/m', shape: [3], dtype: 'float32', data: Float32Array.from([0.1, 0.2, step]) }],
      extra: { accBeta1: 0.9 ** step },
    },
    schedule: { kind: 'reduceOnPlateau', current: 0.01, best: null, badObservations: 1, cooldownLeft: 0 },
    progress: { bestValue: 0.5, bestStep: 2, bestMeasures: { iou: 0.5 }, validationsWithoutImprovement: 1, lastMeasures: { iou: 0.4 } },
    config: { data: 'synthetic', tile: 32 },
  };
}

describe('directoryCheckpointStore', () => {
  let folder: string;
  beforeEach(async () => {
    folder = path.join(await mkdtemp(path.join(tmpdir(), 'unet-train-')), 'checkpoints');
  });
  afterEach(async () => {
    await rm(path.dirname(folder), { recursive: true, force: true });
  });

  it('gives back exactly what it saved, bit for bit', async () => {
    const store = directoryCheckpointStore(folder);
    const saved = fakeCheckpoint(3);
    const info = await store.save(saved);
    expect(info).toEqual({ step: 3, location: path.join(folder, 'step-00000003'), best: false });
    expect(await store.load()).toEqual(saved);
    expect(await readdir(info.location)).toEqual(['checkpoint.json', 'tensors.bin']);
  });

  it('keeps the last `keep` checkpoints and the best', async () => {
    const store = directoryCheckpointStore(folder, { keep: 2 });
    for (const step of [1, 2, 3, 4, 5]) await store.save(fakeCheckpoint(step), { best: step === 2 });
    expect((await store.list()).map(({ step, best }) => [step, best])).toEqual([
      [2, true],
      [4, false],
      [5, false],
    ]);
    expect((await store.load('latest'))?.step).toBe(5);
    expect((await store.load('best'))?.step).toBe(2);
    expect((await store.load(4))?.step).toBe(4);
    expect(await store.load(3)).toBeUndefined();
    expect((await readdir(folder)).sort()).toEqual(['best.json', 'step-00000002', 'step-00000004', 'step-00000005']);
  });

  it('ignores and then removes the leftovers of a save killed before its rename', async () => {
    const store = directoryCheckpointStore(folder);
    await store.save(fakeCheckpoint(4));
    // A kill mid-save leaves a hidden temporary folder, perhaps with a torn file.
    await mkdir(path.join(folder, '.tmp-step-00000006-999-0'));
    await writeFile(path.join(folder, '.tmp-step-00000006-999-0', 'tensors.bin'), 'torn');
    expect((await store.load())?.step).toBe(4);
    expect((await store.list()).map((info) => info.step)).toEqual([4]);
    await directoryCheckpointStore(folder).save(fakeCheckpoint(6));
    expect((await readdir(folder)).sort()).toEqual(['step-00000004', 'step-00000006']);
  });

  it('replaces a checkpoint of the same step (a run resumed from an earlier checkpoint)', async () => {
    const store = directoryCheckpointStore(folder);
    await store.save(fakeCheckpoint(2));
    const again = fakeCheckpoint(2);
    again.config = { second: true };
    await store.save(again);
    expect((await store.load())?.config).toEqual({ second: true });
  });

  it('refuses a checkpoint whose data is cut short, naming the folder', async () => {
    const store = directoryCheckpointStore(folder);
    const { location } = await store.save(fakeCheckpoint(2));
    await truncate(path.join(location, 'tensors.bin'), 8);
    await expect(store.load()).rejects.toThrow(CheckpointError);
    await expect(store.load()).rejects.toThrow(/step-00000002.*incomplete/);
  });

  it('has nothing to load in a folder that does not exist yet', async () => {
    const store = directoryCheckpointStore(folder);
    expect(await store.load()).toBeUndefined();
    expect(await store.load('best')).toBeUndefined();
    expect(await store.list()).toEqual([]);
  });
});
