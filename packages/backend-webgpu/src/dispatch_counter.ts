import * as tf from '@tensorflow/tfjs-core';

export interface DispatchCount {
  /** Compute dispatches recorded while the function ran. */
  total: number;
  /** The same, per WebGPU program (its label, else its class name), most first. */
  byProgram: [string, number][];
}

interface RecordingBackend {
  recordAndSubmit: (program: { label?: string; constructor: { name: string } }, ...rest: unknown[]) => void;
}

/**
 * Counts the compute dispatches the 'webgpu' backend records while `body` runs (each program
 * run is one dispatchWorkgroups), by wrapping the backend's recordAndSubmit for that time.
 * The count of a training step says how much work per step is launch overhead.
 */
export function countDispatches(body: () => void): DispatchCount {
  const backend = tf.findBackend('webgpu') as unknown as RecordingBackend | null;
  if (backend === null || typeof backend.recordAndSubmit !== 'function') {
    throw new Error(
      "countDispatches: the 'webgpu' backend is not registered or has no recordAndSubmit (tfjs-backend-webgpu 4.22 has it); call tf.setBackend('webgpu') first",
    );
  }
  const counts = new Map<string, number>();
  const original = backend.recordAndSubmit;
  backend.recordAndSubmit = function (program, ...rest) {
    const name = program.label ?? program.constructor.name;
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return original.call(this, program, ...rest);
  };
  try {
    body();
  } finally {
    backend.recordAndSubmit = original;
  }
  const byProgram = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  return { total: byProgram.reduce((sum, [, count]) => sum + count, 0), byProgram };
}
