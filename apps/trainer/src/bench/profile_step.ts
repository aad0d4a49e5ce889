import * as tf from '@tensorflow/tfjs-core';
import type { BenchBackend, KernelTime } from './bench_case.js';

/**
 * Where a profile's kernel times come from. 'gpu-timestamps': WebGPU timestamp queries around
 * each kernel's dispatches, the time the GPU spent on it. 'wall': the kernel's wall time on the
 * CPU backends (cpu, wasm, native), where a kernel has finished when its call returns.
 * 'dispatch-wall': webgpu on an adapter without the 'timestamp-query' feature: the wall time of
 * each kernel's call, which on a GPU is the CPU's time to encode and dispatch it, not the GPU's.
 */
export type ProfileTiming = 'gpu-timestamps' | 'wall' | 'dispatch-wall';

export interface StepProfile {
  timing: ProfileTiming;
  /** The kernels by time, most first, calls summed per kernel name. */
  kernels: KernelTime[];
  /** The time of every kernel call of the step, summed. */
  totalMs: number;
  /** The kernel calls of the step (registered kernels; the composite ops around them are left out). */
  calls: number;
}

/** What profileStep needs of a tfjs backend: tfjs-backend-webgpu says whether its device has timestamp queries. */
interface TimedBackend {
  supportTimestampQuery?: boolean;
  time(f: () => void): Promise<tf.BackendTimingInfo>;
}

/** The timing a backend's profile gives: see ProfileTiming. */
export function profileTiming(backend: BenchBackend, kernelBackend: { supportTimestampQuery?: boolean }): ProfileTiming {
  if (backend !== 'webgpu') return 'wall';
  return kernelBackend.supportTimestampQuery === true ? 'gpu-timestamps' : 'dispatch-wall';
}

/**
 * Runs `step` once under tf.profile and sums its kernels' times by kernel name. tf.profile asks
 * the backend's timer for each kernel: on webgpu that is a timestamp query per kernel
 * (tfjs-backend-webgpu 4.22 then ends the compute pass and submits after each kernel, so the
 * profiled step is slower than an unprofiled one, but each kernel's GPU time is its own). Where
 * the adapter lacks timestamp queries, tfjs-backend-webgpu's timer gives 0 for every kernel; the
 * wall time of each kernel's call is measured instead, for that one step, and labelled so.
 */
export async function profileStep(backend: BenchBackend, step: () => Promise<void>, top = 15): Promise<StepProfile> {
  const kernelBackend = tf.backend() as unknown as TimedBackend;
  const timing = profileTiming(backend, kernelBackend);
  const ownTime = Object.hasOwn(kernelBackend, 'time') ? kernelBackend.time : undefined;
  if (timing === 'dispatch-wall') {
    kernelBackend.time = async (f) => {
      const start = performance.now();
      f();
      return { kernelMs: performance.now() - start };
    };
  }
  let info: Awaited<ReturnType<typeof tf.profile>>;
  try {
    info = await tf.profile(step);
  } finally {
    if (timing === 'dispatch-wall') {
      if (ownTime === undefined) delete (kernelBackend as Partial<TimedBackend>).time;
      else kernelBackend.time = ownTime;
    }
  }
  const backendName = tf.getBackend();
  return summariseKernels(timing, info.kernels, top, (name) => tf.getKernel(name, backendName) !== undefined);
}

/**
 * tf.profile's kernel list summed by name, most time first, the first `top` kept. tf.profile
 * also lists the ops made of other kernels with a custom gradient (`fusedConv2d__op`, 'unnamed
 * scope'), with the time of the kernels inside them, which it lists too: only the names that
 * `isKernel` knows (the backend's registered kernels) are counted, so that nothing counts twice.
 */
export function summariseKernels(
  timing: ProfileTiming,
  kernels: readonly { name: string; kernelTimeMs: unknown }[],
  top: number,
  isKernel: (name: string) => boolean,
): StepProfile {
  const byKernel = new Map<string, KernelTime>();
  let totalMs = 0;
  let calls = 0;
  for (const kernel of kernels) {
    if (!isKernel(kernel.name)) continue;
    calls += 1;
    const ms = typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
    const entry = byKernel.get(kernel.name) ?? { kernel: kernel.name, calls: 0, ms: 0 };
    entry.calls += 1;
    entry.ms += ms;
    totalMs += ms;
    byKernel.set(kernel.name, entry);
  }
  const sorted = [...byKernel.values()].sort((a, b) => b.ms - a.ms || b.calls - a.calls || a.kernel.localeCompare(b.kernel));
  return {
    timing,
    kernels: sorted.slice(0, top).map((entry) => ({ ...entry, ms: Number(entry.ms.toFixed(3)) })),
    totalMs: Number(totalMs.toFixed(3)),
    calls,
  };
}
