import { describe, expect, it } from 'vitest';
import type { TrainingCheckpoint } from './checkpoint.js';
import { checkpointsToKeep, memoryCheckpointStore } from './checkpoint_store.js';

function checkpointAt(step: number): TrainingCheckpoint {
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
      metadata: {},
      weights: [{ name: 'head/bias', shape: [2], dtype: 'float32', data: Float32Array.from([step, -step]) }],
    },
    optimizer: { className: 'Adam', iterations: step, weights: [], extra: {} },
    schedule: { kind: 'constant' },
    progress: { bestValue: null, bestStep: null, bestMeasures: null, validationsWithoutImprovement: 0, lastMeasures: null },
    config: {},
  } as unknown as TrainingCheckpoint;
}

describe('memoryCheckpointStore', () => {
  it('keeps the last `keep` and the best, and gives back the latest, the best or a step', async () => {
    const store = memoryCheckpointStore({ keep: 2 });
    for (const step of [1, 2, 3, 4]) await store.save(checkpointAt(step), { best: step === 1 });
    expect((await store.list()).map(({ step, best }) => [step, best])).toEqual([
      [1, true],
      [3, false],
      [4, false],
    ]);
    expect((await store.load())?.step).toBe(4);
    expect((await store.load('best'))?.step).toBe(1);
    expect(Array.from((await store.load(3))!.model.weights[0]!.data as Float32Array)).toEqual([3, -3]);
    expect(await store.load(2)).toBeUndefined();
  });
});

describe('checkpointsToKeep', () => {
  it('keeps the last few by step and the best', () => {
    expect(checkpointsToKeep([5, 1, 3, 4], 2, 1)).toEqual(new Set([4, 5, 1]));
    expect(checkpointsToKeep([1, 2], 3, undefined)).toEqual(new Set([1, 2]));
  });
});
