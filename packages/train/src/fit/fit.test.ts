import * as tf from '@tensorflow/tfjs-core';
import '@unet/core';
import { type UNet, createUNet, presetConfig } from '@unet/model';
import { describeWithBackends } from '@unet/test-utils';
import { expect, it, vi } from 'vitest';
import { NonFiniteLossError, TrainingBatchError, TrainingConfigError } from '../errors.js';
import { weightedCrossEntropyLoss } from '../losses/weighted_cross_entropy.js';
import { diskBatches } from '../node/__fixtures__/synthetic_batches.mjs';
import { type OptimizerConfig, createOptimizer } from '../optim/optimizers.js';
import { cosineSchedule, reduceOnPlateau } from '../optim/schedules.js';
import { modelFromCheckpoint } from './checkpoint.js';
import { memoryCheckpointStore } from './checkpoint_store.js';
import { type FitOptions, fit } from './fit.js';
import { memoryLog } from './training_log.js';
import { stepSeed, trainStep } from './train_step.js';

// Tiny networks so that the cpu-free wasm runs stay fast: the small preset (batch norm, padded)
// with dropout switched on, so that the per-step dropout seeds matter for exact resumption.
const tinyConfig = () => presetConfig('small', { baseChannels: 4, depth: 2, dropout: 0.3, seed: 7 });
const tinyBatches = () => diskBatches({ size: 16, batchSize: 2, seed: 3 });

function weightsOf(model: UNet): Map<string, Float32Array> {
  return new Map(model.namedWeights().map(({ name, variable }) => [name, (variable.dataSync() as Float32Array).slice()]));
}

function expectBitIdentical(actual: Map<string, Float32Array>, expected: Map<string, Float32Array>): void {
  expect([...actual.keys()]).toEqual([...expected.keys()]);
  for (const [name, values] of expected) {
    const other = actual.get(name)!;
    // Compare the bits: toEqual on floats would also pass for -0 vs 0.
    expect(Buffer.from(other.buffer).equals(Buffer.from(values.buffer)), `weight ${name}`).toBe(true);
  }
}

/** Common fit options for the resumption runs; a deterministic validation drives the plateau schedule. */
function runOptions(model: UNet, optimizerConfig: OptimizerConfig, steps: number): FitOptions {
  const validationBatch = diskBatches({ size: 16, batchSize: 2, seed: 99 }).batch(0);
  const loss = weightedCrossEntropyLoss();
  return {
    model,
    batches: tinyBatches(),
    steps,
    loss,
    optimizer: createOptimizer(optimizerConfig),
    schedule: reduceOnPlateau({ initial: optimizerConfig.learningRate, factor: 0.5, patience: 0 }),
    clip: { globalNorm: 5 },
    seed: 11,
    validate: {
      every: 2,
      monitor: 'loss',
      async run({ model: current }) {
        const value = tf.tidy(
          () =>
            loss(current.apply(tf.tensor4d(validationBatch.images, [2, 16, 16, 1])), {
              labels: tf.tensor3d(validationBatch.masks, [2, 16, 16], 'int32'),
            }).dataSync()[0],
        );
        return { loss: value };
      },
    },
  };
}

describeWithBackends('fit', () => {
  for (const optimizerConfig of [
    { name: 'momentum', learningRate: 0.05, momentum: 0.99 },
    { name: 'adam', learningRate: 0.01 },
  ] satisfies OptimizerConfig[]) {
    it(`resumes exactly (${optimizerConfig.name}): stopped at step 3 and resumed to 7 = 7 steps straight, bit for bit`, async () => {
      const straight = createUNet(tinyConfig());
      const straightOptions = runOptions(straight, optimizerConfig, 7);
      await fit(straightOptions);

      const store = memoryCheckpointStore();
      const first = createUNet(tinyConfig());
      const firstOptions = runOptions(first, optimizerConfig, 3);
      const firstResult = await fit({ ...firstOptions, checkpoint: { every: 2, store } });
      expect(firstResult.lastCheckpoint?.step).toBe(3);
      expect((await store.list()).map((info) => info.step)).toEqual([2, 3]);

      // A fresh network with another initialisation: everything must come from the checkpoint.
      const resumed = createUNet({ ...tinyConfig(), seed: 7 });
      const resumedOptions = runOptions(resumed, optimizerConfig, 7);
      const log = memoryLog();
      const result = await fit({ ...resumedOptions, checkpoint: { every: 2, store }, resume: true, log });
      expect(result.steps).toBe(7);
      expect(log.records[0]).toMatchObject({ type: 'start', step: 3, resumedFrom: 'memory:step-3' });
      expect(log.records.filter((record) => record.type === 'step').map((record) => record.step)).toEqual([4, 5, 6, 7]);
      expectBitIdentical(weightsOf(resumed), weightsOf(straight));
      // The plateau schedule's state came along: the last rates agree.
      expect(resumedOptions.schedule!.state()).toEqual(straightOptions.schedule!.state());
      for (const item of [straight, first, resumed]) item.dispose();
      for (const options of [straightOptions, firstOptions, resumedOptions]) options.optimizer.dispose();
    });
  }

  it('refuses to resume into a network of another config, naming the field', async () => {
    const store = memoryCheckpointStore();
    const model = createUNet(tinyConfig());
    await fit({ ...runOptions(model, { name: 'sgd', learningRate: 0.1 }, 1), checkpoint: { every: 1, store } });
    const other = createUNet({ ...tinyConfig(), baseChannels: 8 });
    await expect(
      fit({ ...runOptions(other, { name: 'sgd', learningRate: 0.1 }, 2), checkpoint: { every: 1, store }, resume: true }),
    ).rejects.toThrow(/baseChannels 4.*8/);
    model.dispose();
    other.dispose();
  });

  it('leaks no tensors: tf.memory().numTensors is flat across steps', async () => {
    const model = createUNet(tinyConfig());
    const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
    const counts: number[] = [];
    // The first step creates Adam's accumulators; from the second on nothing may be added.
    // onStep comes after each readback (every 2 steps), when its steps' tensors are let go.
    await fit({
      model,
      optimizer,
      readbackEvery: 2,
      batches: tinyBatches(),
      steps: 6,
      loss: weightedCrossEntropyLoss(),
      schedule: cosineSchedule({ peak: 0.01, totalSteps: 6, warmupSteps: 2 }),
      clip: { globalNorm: 1 },
      callbacks: { onStep: () => void counts.push(tf.memory().numTensors) },
    });
    expect(counts).toHaveLength(6);
    expect(new Set(counts.slice(1)).size).toBe(1);
    model.dispose();
    optimizer.dispose();
  });

  it('stops on a NaN loss with a typed error naming the step and the last good checkpoint, writing none after it', async () => {
    const model = createUNet(tinyConfig());
    const optimizer = createOptimizer({ name: 'sgd', learningRate: 0.01 });
    const store = memoryCheckpointStore({ keep: 10 });
    const log = memoryLog();
    const good = tinyBatches();
    const batches = {
      batch(index: number) {
        const batch = good.batch(index);
        if (index === 4) batch.images[5] = Number.NaN; // the fifth step
        return batch;
      },
    };
    const run = fit({ model, optimizer, batches, steps: 8, loss: weightedCrossEntropyLoss(), checkpoint: { every: 2, store }, log });
    const error = await run.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    const nonFinite = error as NonFiniteLossError;
    expect(nonFinite.step).toBe(5);
    expect(nonFinite.lastCheckpoint).toEqual({ step: 4, location: 'memory:step-4' });
    expect(nonFinite.message).toMatch(/step 5 is NaN.*memory:step-4 \(after step 4\)/);
    expect((await store.list()).map((info) => info.step)).toEqual([2, 4]);
    // The checkpoint holds the weights of step 4; they are finite.
    const restored = modelFromCheckpoint((await store.load('latest'))!);
    for (const values of weightsOf(restored).values()) expect(values.every(Number.isFinite)).toBe(true);
    expect(log.records.at(-1)).toMatchObject({ type: 'stop', step: 4, reason: 'error' });
    for (const item of [model, optimizer, restored]) item.dispose();
  });

  it('keeps the best checkpoint and stops early after `patience` validations without improvement', async () => {
    const model = createUNet(tinyConfig());
    const optimizer = createOptimizer({ name: 'sgd', learningRate: 0.01 });
    const store = memoryCheckpointStore({ keep: 1 });
    // IoU by validation: best at the second (after step 2), then worse three times.
    const scores = [0.5, 0.7, 0.6, 0.65, 0.4, 0.9];
    let calls = 0;
    const seen: boolean[] = [];
    const result = await fit({
      model,
      optimizer,
      batches: tinyBatches(),
      steps: 20,
      loss: weightedCrossEntropyLoss(),
      checkpoint: { every: 1, store },
      validate: { every: 1, run: async () => ({ iou: scores[calls++] }), monitor: 'iou', mode: 'max', patience: 3 },
      callbacks: { onValidation: (info) => void seen.push(info.best) },
    });
    expect(result.stopReason).toBe('early-stopping');
    expect(result.steps).toBe(5);
    expect(result.best).toEqual({ step: 2, value: 0.7, measures: { iou: 0.7 } });
    expect(seen).toEqual([true, true, false, false, false]);
    // keep: 1 keeps the last and the best.
    expect(await store.list()).toEqual([
      { step: 2, location: 'memory:step-2', best: true },
      { step: 5, location: 'memory:step-5', best: false },
    ]);
    expect((await store.load('best'))?.step).toBe(2);
    model.dispose();
    optimizer.dispose();
  });

  it('stops on an abort signal after the current step, with a checkpoint to resume from', async () => {
    const model = createUNet(tinyConfig());
    const optimizer = createOptimizer({ name: 'sgd', learningRate: 0.01 });
    const store = memoryCheckpointStore();
    const controller = new AbortController();
    const log = memoryLog();
    const good = tinyBatches();
    // Aborted while step 3 fetches its batch: step 3 runs, step 4 does not.
    const batches = {
      batch(index: number) {
        if (index === 2) controller.abort();
        return good.batch(index);
      },
    };
    const result = await fit({
      model,
      optimizer,
      batches,
      steps: 10,
      loss: weightedCrossEntropyLoss(),
      checkpoint: { every: 5, store },
      signal: controller.signal,
      log,
    });
    expect(result).toMatchObject({ steps: 3, stopReason: 'aborted', lastCheckpoint: { step: 3 } });
    // The pending steps' losses were read back before the checkpoint and the stop record.
    expect(log.records.map((record) => `${record.type} ${record.step}`)).toEqual([
      'start 0',
      'step 1',
      'step 2',
      'step 3',
      'checkpoint 3',
      'stop 3',
    ]);
    // With readbackEvery 1, onStep sees each step before the next one starts, and may abort.
    const other = createUNet(tinyConfig());
    const fresh = new AbortController();
    const second = await fit({
      model: other,
      optimizer,
      batches: tinyBatches(),
      steps: 10,
      loss: weightedCrossEntropyLoss(),
      readbackEvery: 1,
      signal: fresh.signal,
      callbacks: { onStep: (info) => (info.step === 2 ? fresh.abort() : undefined) },
    });
    expect(second).toMatchObject({ steps: 2, stopReason: 'aborted' });
    for (const item of [model, other, optimizer]) item.dispose();
  });

  it('reads nothing back synchronously, and reads the losses once per readbackEvery steps', async () => {
    const model = createUNet(tinyConfig());
    const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
    const engine = tf.engine();
    // Tensor.dataSync, arraySync and bufferSync all go through engine.readSync; data() through read.
    const readSync = vi.spyOn(engine, 'readSync');
    const read = vi.spyOn(engine, 'read');
    try {
      const result = await fit({
        model,
        optimizer,
        batches: tinyBatches(),
        steps: 7,
        loss: weightedCrossEntropyLoss(),
        clip: { globalNorm: 1 },
        readbackEvery: 3,
      });
      expect(result.steps).toBe(7);
      expect(readSync).not.toHaveBeenCalled();
      // After steps 3 and 6, and at the end for step 7.
      expect(read).toHaveBeenCalledTimes(3);
    } finally {
      readSync.mockRestore();
      read.mockRestore();
    }
    model.dispose();
    optimizer.dispose();
  });

  it("logs every step's exact loss and gradient norm: those of trainStep, which waits for each", async () => {
    const reference = createUNet(tinyConfig());
    const referenceOptimizer = createOptimizer({ name: 'momentum', learningRate: 0.05, momentum: 0.9 });
    const batches = tinyBatches();
    const expected: { loss: number; gradientNorm: number }[] = [];
    for (let index = 0; index < 5; index++) {
      const { loss, gradientNorm } = await trainStep({
        model: reference,
        optimizer: referenceOptimizer,
        loss: weightedCrossEntropyLoss(),
        batch: batches.batch(index),
        seed: stepSeed(4, index),
        clipGlobalNorm: 2,
      });
      expected.push({ loss, gradientNorm });
    }
    for (const readbackEvery of [1, 2, 10]) {
      const model = createUNet(tinyConfig());
      const optimizer = createOptimizer({ name: 'momentum', learningRate: 0.05, momentum: 0.9 });
      const log = memoryLog();
      const seen: number[] = [];
      await fit({
        model,
        optimizer,
        batches: tinyBatches(),
        steps: 5,
        loss: weightedCrossEntropyLoss(),
        clip: { globalNorm: 2 },
        seed: 4,
        log,
        readbackEvery,
        callbacks: { onStep: (info) => void seen.push(info.step) },
      });
      const steps = log.records.filter((record) => record.type === 'step');
      expect(
        steps.map(({ loss, gradientNorm }) => ({ loss, gradientNorm })),
        `readbackEvery ${readbackEvery}`,
      ).toEqual(expected);
      expect(seen).toEqual([1, 2, 3, 4, 5]);
      expectBitIdentical(weightsOf(model), weightsOf(reference));
      model.dispose();
      optimizer.dispose();
    }
    reference.dispose();
    referenceOptimizer.dispose();
  });

  it('warms up without changing the results: the same weights, moving statistics and losses bit for bit', async () => {
    const results: { weights: Map<string, Float32Array>; losses: number[]; tensors: number }[] = [];
    for (const warmUp of [false, true]) {
      const model = createUNet(tinyConfig());
      const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
      const log = memoryLog();
      await fit({ model, optimizer, batches: tinyBatches(), steps: 3, loss: weightedCrossEntropyLoss(), seed: 2, log, warmUp });
      results.push({
        weights: weightsOf(model),
        losses: log.records.flatMap((record) => (record.type === 'step' ? [record.loss] : [])),
        tensors: tf.memory().numTensors,
      });
      optimizer.dispose();
      model.dispose();
    }
    expect(results[1].losses).toEqual(results[0].losses);
    // Nothing of the warm-up stays behind.
    expect(results[1].tensors).toBe(results[0].tensors);
    expectBitIdentical(results[1].weights, results[0].weights);
  });

  it('counts epochs of stepsPerEpoch steps, and names a missing monitored measure', async () => {
    const model = createUNet(tinyConfig());
    const optimizer = createOptimizer({ name: 'sgd', learningRate: 0.01 });
    const epochs: number[] = [];
    const result = await fit({
      model,
      optimizer,
      batches: tinyBatches(),
      epochs: 2,
      stepsPerEpoch: 2,
      loss: weightedCrossEntropyLoss(),
      callbacks: { onStep: (info) => void epochs.push(info.epoch) },
    });
    expect(result.steps).toBe(4);
    expect(epochs).toEqual([0, 0, 1, 1]);
    const run = fit({
      model,
      optimizer,
      batches: tinyBatches(),
      steps: 1,
      loss: weightedCrossEntropyLoss(),
      validate: { every: 1, monitor: 'iou', run: async () => ({ loss: 1 }) },
    });
    await expect(run).rejects.toThrow(/no measure 'iou' \(it returned loss\)/);
    model.dispose();
    optimizer.dispose();
  });

  it('trains on batches of tensors (TensorTrainingBatch) as on their arrays, bit for bit, and disposes them', async () => {
    const asTensors = (batch: ReturnType<ReturnType<typeof tinyBatches>['batch']>) => ({
      ...batch,
      images: tf.tensor4d(batch.images, [batch.batchSize, batch.inputHeight, batch.inputWidth, batch.channels]),
      masks: tf.tensor3d(batch.masks, [batch.batchSize, batch.outputHeight, batch.outputWidth], 'int32'),
      weights: batch.weights && tf.tensor3d(batch.weights, [batch.batchSize, batch.outputHeight, batch.outputWidth]),
    });
    const run = async (tensors: boolean) => {
      const model = createUNet(tinyConfig());
      const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
      const source = tinyBatches();
      const counts: number[] = [];
      await fit({
        model,
        optimizer,
        readbackEvery: 1,
        batches: { batch: (index: number) => (tensors ? asTensors(source.batch(index)) : source.batch(index)) },
        steps: 4,
        seed: 2,
        loss: weightedCrossEntropyLoss(),
        callbacks: { onStep: () => void counts.push(tf.memory().numTensors) },
      });
      const weights = weightsOf(model);
      model.dispose();
      optimizer.dispose();
      return { weights, counts };
    };
    const fromArrays = await run(false);
    const fromTensors = await run(true);
    expectBitIdentical(fromTensors.weights, fromArrays.weights);
    // The batches' tensors are gone after their steps: as many tensors live as with arrays.
    expect(fromTensors.counts).toEqual(fromArrays.counts);
  });

  it('rejects a batch of tensors of the wrong shape or dtype, naming it, and disposes it', async () => {
    const model = createUNet(tinyConfig());
    const optimizer = createOptimizer({ name: 'sgd', learningRate: 0.01 });
    const batch = tinyBatches().batch(0);
    const before = tf.memory().numTensors;
    const batches = {
      batch: () => ({
        ...batch,
        images: tf.tensor4d(batch.images, [2, 16, 16, 1]),
        masks: tf.tensor3d(Float32Array.from(batch.masks), [2, 16, 16], 'float32'),
        weights: undefined,
      }),
    };
    await expect(fit({ model, optimizer, batches, steps: 1, loss: weightedCrossEntropyLoss() })).rejects.toThrow(
      /step 1: its masks tensor is float32 \[2, 16, 16\], not int32/,
    );
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    optimizer.dispose();
  });

  it('rejects a mask value that is no class id, naming the step and the value', async () => {
    const model = createUNet(tinyConfig());
    const optimizer = createOptimizer({ name: 'sgd', learningRate: 0.01 });
    const batches = {
      batch(index: number) {
        const batch = tinyBatches().batch(index);
        batch.masks[3] = 7;
        return batch;
      },
    };
    const run = fit({ model, optimizer, batches, steps: 1, loss: weightedCrossEntropyLoss() });
    await expect(run).rejects.toThrow(TrainingBatchError);
    await expect(fit({ model, optimizer, batches, steps: 1, loss: weightedCrossEntropyLoss() })).rejects.toThrow(
      /step 1: mask value 7 at index 3.*0 to 1, or 255/,
    );
    await expect(fit({ model, optimizer, batches, loss: weightedCrossEntropyLoss() })).rejects.toThrow(TrainingConfigError);
    model.dispose();
    optimizer.dispose();
  });
}, ['wasm']);

describeWithBackends('fit on a synthetic task', () => {
  it('lowers the loss clearly: the mean of the last 5 steps is below half that of the first 5', async () => {
    const model = createUNet(presetConfig('small', { baseChannels: 8, seed: 5 }));
    const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
    const losses: number[] = [];
    await fit({
      model,
      optimizer,
      batches: diskBatches({ size: 32, batchSize: 2, seed: 8 }),
      steps: 30,
      loss: weightedCrossEntropyLoss(),
      callbacks: { onStep: (info) => void losses.push(info.loss) },
    });
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const first = mean(losses.slice(0, 5));
    const last = mean(losses.slice(-5));
    expect(last, `first 5: ${first.toFixed(3)}, last 5: ${last.toFixed(3)}`).toBeLessThan(0.5 * first);
    model.dispose();
    optimizer.dispose();
  });
}, ['wasm']);
