import { inputSizeForOutput, outputSize } from '@unet/core';
import type { BatchSourceOptions } from '@unet/data';
import type { UNetConfig } from '@unet/model';
import {
  combineLosses,
  constantSchedule,
  cosineSchedule,
  createOptimizer,
  type LearningRateSchedule,
  type LossFunction,
  polySchedule,
  reduceOnPlateau,
  softDiceLoss,
  stepSchedule,
  weightedCrossEntropyLoss,
} from '@unet/train';
import type * as tf from '@tensorflow/tfjs-core';
import type { TrainOptions } from '../options/train_options.js';
import { UsageError } from '../usage_error.js';

/**
 * The pieces of a run that follow from its options alone: tile sizes, the batch recipe, the
 * loss, the optimiser and the learning-rate schedule.
 */

export interface TileGeometry {
  inputSize: number;
  outputSize: number;
}

/**
 * `--tile` is the output tile. The paper's unpadded network needs an input 184 px larger (at
 * depth 4) and only some sizes fit its poolings: the tile is rounded up to the next that does.
 * A padded network's tiles are the same size in and out, a multiple of 2^depth.
 */
export function tileGeometry(tile: number, config: Pick<UNetConfig, 'depth' | 'padding'>): TileGeometry {
  if (config.padding === 'valid') {
    let input: number;
    try {
      input = inputSizeForOutput(tile, config.depth, 'valid');
    } catch (error) {
      throw new UsageError(`--tile ${tile}: ${(error as Error).message}`);
    }
    return { inputSize: input, outputSize: outputSize(input, config.depth, 'valid') };
  }
  const alignment = 2 ** config.depth;
  const size = Math.max(alignment, Math.ceil(tile / alignment) * alignment);
  return { inputSize: size, outputSize: size };
}

export function batchRecipe(options: TrainOptions, geometry: TileGeometry, classes: number): BatchSourceOptions & { classes: number } {
  const augmentation =
    options.augment === 'none'
      ? false
      : options.augment === 'flips'
        ? { elasticStd: 0, maxRotationDegrees: 0, brightness: 0, contrast: 0, gamma: 0 }
        : options.augment === 'rigid'
          ? { elasticStd: 0 } // all of the paper's but the elastic deformation (for ablations)
          : undefined; // the paper's: elastic deformation, flips, rotations, gray values
  return {
    batchSize: options.batch,
    inputSize: geometry.inputSize,
    outputSize: geometry.outputSize,
    augmentation,
    weightMap: options.loss === 'weighted-ce' ? { w0: options.w0, sigma: options.sigma } : false,
    seed: options.seed,
    classes,
  };
}

export function lossFor(options: TrainOptions): LossFunction {
  switch (options.loss) {
    case 'weighted-ce':
    case 'ce':
      // Without a weight map in the batch, the weighted loss is the plain cross-entropy.
      return weightedCrossEntropyLoss();
    case 'dice':
      return softDiceLoss();
    case 'ce+dice':
      return combineLosses([
        { loss: weightedCrossEntropyLoss(), weight: 1 },
        { loss: softDiceLoss(), weight: 1 },
      ]);
  }
}

export function optimizerFor(options: TrainOptions): tf.Optimizer {
  return options.optimizer === 'sgd'
    ? createOptimizer({ name: 'momentum', learningRate: options.learningRate, momentum: options.momentum })
    : createOptimizer({ name: 'adam', learningRate: options.learningRate });
}

export function scheduleFor(options: TrainOptions, totalSteps: number, monitorMode: 'min' | 'max' = 'max'): LearningRateSchedule {
  const rate = options.learningRate;
  switch (options.schedule) {
    case 'constant':
      return constantSchedule(rate);
    case 'cosine':
      return cosineSchedule({ peak: rate, totalSteps, warmupSteps: Math.min(20, Math.floor(totalSteps / 10)), final: rate / 100 });
    case 'step':
      return stepSchedule({ initial: rate, every: Math.max(1, Math.floor(totalSteps / 3)), factor: 0.1 });
    case 'poly':
      return polySchedule({ initial: rate, totalSteps, power: 0.9 });
    case 'plateau':
      return reduceOnPlateau({ initial: rate, mode: monitorMode, factor: 0.5, patience: 3 });
  }
}
