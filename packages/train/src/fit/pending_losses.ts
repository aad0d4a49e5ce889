import * as tf from '@tensorflow/tfjs-core';
import type { LaunchedStep } from './train_step.js';

/** A step whose loss and gradient norm are read back, with what fit knew of it when it ran. */
export interface ReadStep<Info> {
  info: Info;
  loss: number;
  gradientNorm: number;
}

/**
 * The steps that ran but whose losses are still tensors on the backend. `readAll` reads every
 * pending step's loss and gradient norm in one transfer (one stack, one asynchronous data()),
 * in step order, so that a GPU is waited for once per read, not once per step, and no step's
 * value is dropped. It never reads synchronously (dataSync), which would stall the caller
 * until the GPU has drained its queue.
 */
export class PendingLosses<Info> {
  private steps: { info: Info; launched: LaunchedStep }[] = [];

  get size(): number {
    return this.steps.length;
  }

  /** Keeps a launched step's tensors until the next read, which disposes them. */
  add(info: Info, launched: LaunchedStep): void {
    this.steps.push({ info, launched });
  }

  /** The pending steps' values, oldest first; none are pending afterwards, even when the read fails. */
  async readAll(): Promise<ReadStep<Info>[]> {
    const steps = this.steps;
    this.steps = [];
    if (steps.length === 0) return [];
    const scalars = steps.flatMap(({ launched }) => [launched.loss, launched.gradientNorm]);
    let stacked: tf.Tensor | undefined;
    try {
      stacked = tf.stack(scalars);
      const values = await stacked.data();
      return steps.map(({ info }, index) => ({ info, loss: values[2 * index], gradientNorm: values[2 * index + 1] }));
    } finally {
      tf.dispose(scalars);
      stacked?.dispose();
    }
  }

  /** Lets go of the pending tensors unread (after an error that ends the run). */
  dispose(): void {
    tf.dispose(this.steps.flatMap(({ launched }) => [launched.loss, launched.gradientNorm]));
    this.steps = [];
  }
}
