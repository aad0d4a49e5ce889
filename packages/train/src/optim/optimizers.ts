import * as tf from '@tensorflow/tfjs-core';
import { FusedAdamOptimizer } from './fused_adam_optimizer.js';
import { TrainingConfigError } from '../errors.js';

/** Plain SGD: w -= lr * g. */
export interface SgdConfig {
  name: 'sgd';
  learningRate: number;
}

/**
 * SGD with momentum as tfjs computes it: a = m a + g, w -= lr a. The paper trains with
 * momentum 0.99 and batches of one large tile, so that many earlier samples shape each step.
 */
export interface MomentumConfig {
  name: 'momentum';
  learningRate: number;
  /** 0.99, the paper's. */
  momentum?: number;
  nesterov?: boolean;
}

/** Adam (Kingma and Ba 2015). */
export interface AdamConfig {
  name: 'adam';
  learningRate: number;
  beta1?: number;
  beta2?: number;
  /**
   * 1e-7, tfjs's float32 default, fixed here rather than taken from the backend so that a
   * checkpoint resumed on another backend uses the same value.
   */
  epsilon?: number;
}

export type OptimizerConfig = SgdConfig | MomentumConfig | AdamConfig;

/** The config with every default filled in, as it is logged and saved in checkpoints. */
export function resolveOptimizerConfig(config: OptimizerConfig): Required<SgdConfig> | Required<MomentumConfig> | Required<AdamConfig> {
  checkRate('learningRate', config.learningRate);
  switch (config.name) {
    case 'sgd':
      return { name: 'sgd', learningRate: config.learningRate };
    case 'momentum': {
      const momentum = config.momentum ?? 0.99;
      if (!(momentum >= 0 && momentum < 1)) {
        throw new TrainingConfigError(`optimizer: momentum must lie in [0, 1), got ${momentum} (the paper uses 0.99)`);
      }
      return { name: 'momentum', learningRate: config.learningRate, momentum, nesterov: config.nesterov ?? false };
    }
    case 'adam': {
      const resolved = {
        name: 'adam' as const,
        learningRate: config.learningRate,
        beta1: config.beta1 ?? 0.9,
        beta2: config.beta2 ?? 0.999,
        epsilon: config.epsilon ?? 1e-7,
      };
      for (const key of ['beta1', 'beta2'] as const) {
        if (!(resolved[key] >= 0 && resolved[key] < 1)) {
          throw new TrainingConfigError(`optimizer: Adam's ${key} must lie in [0, 1), got ${resolved[key]}`);
        }
      }
      checkRate('epsilon', resolved.epsilon);
      return resolved;
    }
    default:
      throw new TrainingConfigError(
        `optimizer: unknown name ${JSON.stringify((config as { name: unknown }).name)}; use 'sgd', 'momentum' or 'adam'`,
      );
  }
}

/** A tfjs optimizer for the config. */
export function createOptimizer(config: OptimizerConfig): tf.Optimizer {
  const resolved = resolveOptimizerConfig(config);
  switch (resolved.name) {
    case 'sgd':
      return tf.train.sgd(resolved.learningRate);
    case 'momentum':
      return tf.train.momentum(resolved.learningRate, resolved.momentum, resolved.nesterov);
    case 'adam':
      // tfjs's Adam, with its update as one kernel where the backend has it (adam_kernels.ts).
      return new FusedAdamOptimizer(resolved.learningRate, resolved.beta1, resolved.beta2, resolved.epsilon);
  }
}

/** The fields of tfjs's optimizers that hold the rate; both are protected in its types. */
interface RateFields {
  learningRate: number;
  setLearningRate?: (rate: number) => void;
}

/**
 * Changes the rate of a tfjs optimizer for its next step. tfjs reads the rate at construction:
 * SGD and momentum keep it as a scalar tensor `c = -rate` that only `setLearningRate` renews
 * (setting the `learningRate` field alone changes nothing for them), while Adam, RMSProp,
 * Adagrad, Adadelta and Adamax read the `learningRate` field at every step.
 */
export function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  checkRate('learning rate', rate);
  const fields = optimizer as unknown as RateFields;
  if (fields.learningRate === rate) return;
  if (typeof fields.setLearningRate === 'function') fields.setLearningRate(rate);
  else fields.learningRate = rate;
}

/** The rate the optimizer's next step uses. */
export function learningRateOf(optimizer: tf.Optimizer): number {
  return (optimizer as unknown as RateFields).learningRate;
}

function checkRate(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TrainingConfigError(`optimizer: ${name} must be a finite number >= 0, got ${value}`);
  }
}
