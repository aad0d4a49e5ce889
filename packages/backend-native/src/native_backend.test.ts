import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { nativeAddonStatus } from './addon_status.js';
import type { NativeBackend } from './native_backend.js';

const status = nativeAddonStatus();

// The memory under a tensor's values (test-only look inside the backend).
function memoryOf(tensor: tf.Tensor): ArrayBufferLike {
  const backend = tf.engine().backend as NativeBackend;
  return (backend.data.get(tensor.dataId).values as Float32Array).buffer;
}

describe.skipIf(!status.available)('NativeBackend output memory', () => {
  beforeAll(async () => {
    await import('./index.js');
    await tf.setBackend('native');
  });

  const image = () => tf.randomNormal([1, 64, 64, 8], 0, 1, 'float32', 7) as tf.Tensor4D; // 32768 floats

  it('reuses the memory of a disposed native output for the next output of its size', () => {
    const x = image();
    const first = tf.relu(x);
    const memory = memoryOf(first);
    first.dispose();
    const second = tf.relu(x);
    expect(memoryOf(second)).toBe(memory);
    expect(Array.from(second.dataSync().slice(0, 4))).toEqual(Array.from(x.dataSync().slice(0, 4)).map((value) => Math.max(0, value)));
    tf.dispose([x, second]);
  });

  it("gives a kernel's scratch back to the pool after the call, for the next output of its size", () => {
    const backend = tf.engine().backend as NativeBackend;
    let scratchMemory: ArrayBufferLike | undefined;
    const result = backend.withScratch(32768, (scratch) => {
      expect(scratch.length).toBe(32768);
      scratchMemory = scratch.buffer;
      return 'used';
    });
    expect(result).toBe('used');
    const x = image();
    const next = tf.relu(x);
    expect(memoryOf(next)).toBe(scratchMemory);
    tf.dispose([x, next]);
  });

  it('never reuses memory whose values were read (a program may keep them after dispose)', () => {
    const x = image();
    const first = tf.relu(x);
    const values = first.dataSync();
    const kept = Array.from(values.slice(0, 16));
    first.dispose();
    const second = tf.neg(x);
    expect(memoryOf(second)).not.toBe(values.buffer);
    expect(Array.from(values.slice(0, 16))).toEqual(kept);
    tf.dispose([x, second]);
  });

  it("keeps memory that a live view still uses (a cpu kernel's slice of a native output)", () => {
    const x = image();
    const activation = tf.relu(x);
    const memory = memoryOf(activation);
    // Unpack runs on the cpu kernel, whose contiguous slices are views of their input's memory.
    const reshaped = tf.reshape(activation, [2, 32, 64, 8]);
    const [rows, otherRows] = tf.unstack(reshaped);
    expect(memoryOf(rows), 'the precondition: a view').toBe(memory);
    tf.dispose([activation, reshaped, otherRows]);
    const other = tf.neg(x); // the size of activation: must not land in the view's memory
    expect(memoryOf(other)).not.toBe(memory);
    const expected = tf.tidy(() => tf.unstack(tf.relu(tf.reshape(x, [2, 32, 64, 8])))[0]);
    expect(Array.from(rows.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([x, rows, other, expected]);
  });

  it("makes a large output that fits no kept buffer of a kept one's pages, and keeps it right", () => {
    // Gathering starts once page buffers hold 256 MiB: a mapping of that size, never touched,
    // brings them there without costing memory.
    const backend = tf.engine().backend as NativeBackend;
    const ballast = backend.addon.pageBuffer(256 * 1024 * 1024);
    const small = tf.randomNormal([1, 256, 256, 16], 0, 1, 'float32', 8); // 4 MiB
    const doubled = tf.mul(small, 2);
    const memory = memoryOf(doubled);
    expect(memory.byteLength).toBe(4 * 1024 * 1024); // a page buffer: whole 2 MiB pages
    doubled.dispose();
    const large = tf.randomNormal([1, 256, 256, 40], 0, 1, 'float32', 9); // 10 MiB: no kept buffer fits
    const negated = tf.neg(large);
    expect(memory.byteLength, "the kept buffer's pages moved into the new output").toBe(0);
    expect(memoryOf(negated).byteLength).toBe(10 * 1024 * 1024);
    const values = negated.dataSync();
    const source = large.dataSync();
    for (const index of [0, 1_000_000, values.length - 1]) expect(values[index]).toBe(-source[index]);
    expect(values.length).toBe(256 * 256 * 40);
    tf.dispose([small, large, negated]);
    backend.addon.freePageBuffer(ballast);
  });

  it('makes an output afresh while page buffers hold less than 256 MiB, keeping what it has', () => {
    const small = tf.randomNormal([1, 256, 256, 16], 0, 1, 'float32', 8); // 4 MiB
    const doubled = tf.mul(small, 2);
    const memory = memoryOf(doubled);
    doubled.dispose();
    const large = tf.randomNormal([1, 256, 256, 40], 0, 1, 'float32', 9); // 10 MiB: no kept buffer fits
    const negated = tf.neg(large);
    expect(memory.byteLength, 'the kept buffer is still whole').toBe(4 * 1024 * 1024);
    expect(memoryOf(negated)).not.toBe(memory);
    tf.dispose([small, large, negated]);
  });
});
