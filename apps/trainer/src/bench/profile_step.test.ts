import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BenchResult } from './bench_case.js';
import { profileStep, profileTiming, summariseKernels } from './profile_step.js';
import { formatProfileTable } from './profile_table.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('profileStep', () => {
  it('names where the times come from: timestamps on webgpu where the device has them, wall times otherwise', () => {
    expect(profileTiming('webgpu', { supportTimestampQuery: true })).toBe('gpu-timestamps');
    expect(profileTiming('webgpu', { supportTimestampQuery: false })).toBe('dispatch-wall');
    for (const backend of ['cpu', 'wasm', 'native'] as const) expect(profileTiming(backend, {})).toBe('wall');
  });

  it("sums a step's kernels by name, most time first, and counts every call, leaving out the ops around kernels", () => {
    const profile = summariseKernels(
      'wall',
      [
        { name: 'Conv2D', kernelTimeMs: 3 },
        { name: 'Add', kernelTimeMs: 0.5 },
        { name: 'Conv2D', kernelTimeMs: 4 },
        { name: 'Relu', kernelTimeMs: { error: 'no timer' } },
        { name: 'fusedConv2d__op', kernelTimeMs: 7 },
      ],
      2,
      (name) => !name.endsWith('__op'),
    );
    expect(profile).toEqual({
      timing: 'wall',
      kernels: [
        { kernel: 'Conv2D', calls: 2, ms: 7 },
        { kernel: 'Add', calls: 1, ms: 0.5 },
      ],
      totalMs: 7.5,
      calls: 4,
    });
  });

  it('profiles a real step on the cpu backend: its kernels, their calls, wall times', async () => {
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const profile = await profileStep('cpu', async () => {
      const product = tf.tidy(() => tf.add(tf.matMul(a, a), tf.matMul(a, a)));
      await product.data();
      product.dispose();
    });
    a.dispose();
    expect(profile.timing).toBe('wall');
    expect(profile.calls).toBe(3);
    expect(new Map(profile.kernels.map((entry) => [entry.kernel, entry.calls]))).toEqual(
      new Map([
        ['BatchMatMul', 2],
        ['Add', 1],
      ]),
    );
    expect(profile.kernels.every((entry) => entry.ms >= 0)).toBe(true);
  });
});

describe('profileStep without timestamp queries', () => {
  it("times each kernel call's wall time where webgpu's timer would give zeros, and puts the backend's timer back", async () => {
    // The cpu backend stands in for a webgpu device without 'timestamp-query' (it has no supportTimestampQuery).
    const backend = tf.backend() as unknown as { time: unknown };
    const ownTimer = backend.time;
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const profile = await profileStep('webgpu', async () => {
      const product = tf.matMul(a, a);
      await product.data();
      product.dispose();
    });
    a.dispose();
    expect(profile.timing).toBe('dispatch-wall');
    expect(profile.kernels).toEqual([{ kernel: 'BatchMatMul', calls: 1, ms: expect.any(Number) }]);
    expect(Object.hasOwn(backend, 'time')).toBe(false);
    expect(backend.time).toBe(ownTimer);
  });
});

describe('formatProfileTable', () => {
  it('gives the case, the timing and one row per kernel with its share', () => {
    const result = {
      framework: 'tfjs',
      backend: 'webgpu',
      adapter: 'SwiftShader (software)',
      preset: 'small',
      mode: 'train',
      batch: 1,
      size: 64,
      medianMs: 900,
      profileTiming: 'gpu-timestamps',
      profiledMs: 10,
      profiledCalls: 40,
      topKernels: [
        { kernel: 'Conv2DBackpropFilter', calls: 9, ms: 7.5 },
        { kernel: 'Add', calls: 31, ms: 2.5 },
      ],
    } as BenchResult;
    expect(formatProfileTable(result).split('\n')).toEqual([
      'small train on webgpu (SwiftShader (software)), 1 x 64x64: top kernels of one profiled step by GPU time (WebGPU timestamp queries); 40 kernel calls, 10.0 ms in all (unprofiled step: median 900 ms)',
      '  kernel                calls    ms  share',
      '  Conv2DBackpropFilter      9  7.50  75.0%',
      '  Add                      31  2.50  25.0%',
      '',
    ]);
    expect(formatProfileTable({ ...result, topKernels: undefined })).toBe('');
  });
});
