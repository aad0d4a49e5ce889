import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, expect, it } from 'vitest';
import { PendingLosses } from './pending_losses.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

it('reads the pending steps back in order, in one read, and lets go of their tensors', async () => {
  const before = tf.memory().numTensors;
  const pending = new PendingLosses<number>();
  for (const step of [1, 2, 3]) pending.add(step, { loss: tf.scalar(step / 4), gradientNorm: tf.scalar(10 * step) });
  expect(pending.size).toBe(3);
  expect(await pending.readAll()).toEqual([
    { info: 1, loss: 0.25, gradientNorm: 10 },
    { info: 2, loss: 0.5, gradientNorm: 20 },
    { info: 3, loss: 0.75, gradientNorm: 30 },
  ]);
  expect(pending.size).toBe(0);
  expect(tf.memory().numTensors).toBe(before);
  expect(await pending.readAll()).toEqual([]);
});

it('keeps NaN and infinity as they are (the caller stops on them), and dispose lets go unread', async () => {
  const before = tf.memory().numTensors;
  const pending = new PendingLosses<string>();
  pending.add('a', { loss: tf.scalar(Number.NaN), gradientNorm: tf.scalar(Number.POSITIVE_INFINITY) });
  const [read] = await pending.readAll();
  expect(read.loss).toBeNaN();
  expect(read.gradientNorm).toBe(Number.POSITIVE_INFINITY);
  pending.add('b', { loss: tf.scalar(1), gradientNorm: tf.scalar(2) });
  pending.dispose();
  expect(pending.size).toBe(0);
  expect(tf.memory().numTensors).toBe(before);
});
