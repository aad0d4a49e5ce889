/**
 * Training batches made on this thread: createBatchPlan's samples and random streams (a pure
 * function of (seed, step); see batch_plan.ts), each slot cropped and augmented on the CPU by
 * extractTrainingTile. Worker threads make the same batches with this same source (see
 * node/worker_batch_source.ts).
 */
import type { BatchSource, TrainingBatch } from '@unet/core';
import { resolveAugmentation } from '../augment/augmentation.js';
import type { Dataset } from '../sample.js';
import { extractTrainingTile } from '../tiles/training_tile.js';
import { createBatchPlan } from './batch_plan.js';
import type { BatchSourceOptions } from './batch_source_options.js';

export { type BatchSourceOptions, BatchSourceError, checkBatchSourceOptions } from './batch_source_options.js';

export function createBatchSource(options: BatchSourceOptions & { dataset: Dataset }): BatchSource {
  const plan = createBatchPlan(options);
  const { dataset, batchSize, inputSize, outputSize } = options;
  const augmentation = resolveAugmentation(options.augmentation);
  const weighted = options.weightMap !== false;
  const { ignoreLabel } = dataset;

  return {
    stepsPerEpoch: plan.stepsPerEpoch,
    async batch(step: number): Promise<TrainingBatch> {
      const tiles = await plan.plan(step);
      const channels = dataset.channels;
      const inputPixels = inputSize * inputSize;
      const outputPixels = outputSize * outputSize;
      const images = new Float32Array(batchSize * inputPixels * channels);
      const masks = new Int32Array(batchSize * outputPixels);
      const weights = weighted ? new Float32Array(batchSize * outputPixels) : undefined;
      tiles.forEach(({ sample, weights: sampleWeights, random }, slot) => {
        const tile = extractTrainingTile(sample, sampleWeights, random, { inputSize, outputSize, augmentation, ignoreLabel });
        images.set(tile.image, slot * inputPixels * channels);
        masks.set(tile.mask, slot * outputPixels);
        if (weights && tile.weights) weights.set(tile.weights, slot * outputPixels);
      });
      return {
        batchSize,
        inputHeight: inputSize,
        inputWidth: inputSize,
        channels,
        outputHeight: outputSize,
        outputWidth: outputSize,
        images,
        masks,
        weights,
      };
    },
    dispose: () => plan.dispose(),
  };
}
