import type { BackendName } from '../backends/select_backend.js';

/** How fit paces its reads on a backend: FitOptions.readbackEvery and warmUp. */
export interface StepPacing {
  readbackEvery: number;
  warmUp: boolean;
}

/**
 * On a GPU backend (webgpu, tensorflow-gpu) the losses are read back every 10 steps, so that
 * the GPU runs ten steps queued behind each other, and one discarded warm-up pass compiles the
 * shaders (or picks cuDNN's algorithms) before the step times are taken. On the CPU backends
 * a read costs nothing and there is nothing to compile: the losses are read after every step
 * (the progress line and log keep up with each step, and a queue worker's event loop turns at
 * each step) and the first step is not repeated. `--readback-every N` overrides the first.
 */
export function stepPacing(backend: string, readbackEvery?: number): StepPacing {
  const gpu = backend === ('webgpu' satisfies BackendName) || backend === ('tensorflow-gpu' satisfies BackendName);
  return { readbackEvery: readbackEvery ?? (gpu ? 10 : 1), warmUp: gpu };
}
