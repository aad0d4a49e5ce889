import * as tf from '@tensorflow/tfjs-core';
// The side-effect-free entry: the kernels go in when webgpu is chosen, not at import.
import { registerWebGPUKernels, webgpuKernels } from '@unet/backend-webgpu/register';

/**
 * The backends in the order the demo tries them (see ../shared/CONVENTIONS.md, after
 * onnxruntime): the first that initialises wins, and each one skipped keeps its reason, which
 * the page shows. WebGPU and WebGL run on the graphics card; wasm (XNNPACK) and cpu on the CPU.
 */
export const BACKEND_PRIORITY = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_PRIORITY)[number];

export interface BackendChoice {
  name: BackendName;
  /** The backends tried before it, each with why it did not start. */
  skipped: { name: BackendName; reason: string }[];
  /**
   * '@unet/backend-webgpu' where its kernels run in place of tfjs-backend-webgpu's (webgpu
   * only; see ourWebGPUKernelsActive); absent where tfjs's own kernels run.
   */
  kernels?: '@unet/backend-webgpu';
}

/**
 * Whether every kernel of @unet/backend-webgpu is the one tfjs runs for 'webgpu' now: what the
 * page and the workers report, read from tfjs's registry rather than assumed from the call.
 */
export function ourWebGPUKernelsActive(): boolean {
  return webgpuKernels.every((config) => tf.getKernel(config.kernelName, 'webgpu')?.kernelFunc === config.kernelFunc);
}

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_PRIORITY as readonly string[]).includes(value);
}

/** A reason found before tfjs is asked, where the platform plainly lacks what a backend needs. */
async function missingPrerequisite(name: BackendName): Promise<string | undefined> {
  if (name === 'webgpu') {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    if (gpu === undefined) return 'this browser has no navigator.gpu';
    if ((await gpu.requestAdapter().catch(() => null)) === null)
      return 'navigator.gpu gives no adapter (no usable GPU, or WebGPU is switched off)';
  }
  if (name === 'webgl') {
    // A worker has no document: there tfjs draws on an OffscreenCanvas, so ask one.
    const canvas = typeof document === 'undefined' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
    if (canvas.getContext('webgl2') === null && canvas.getContext('webgl') === null) return 'no WebGL context can be created';
  }
  return undefined;
}

/**
 * Sets tfjs's backend to `requested`, or with 'auto' to the first of BACKEND_PRIORITY that
 * starts. A requested backend that fails falls through to the rest of the list after it.
 */
export async function selectBackend(requested: BackendName | 'auto' = 'auto'): Promise<BackendChoice> {
  const order = requested === 'auto' ? [...BACKEND_PRIORITY] : [requested, ...BACKEND_PRIORITY.filter((name) => name !== requested)];
  const skipped: BackendChoice['skipped'] = [];
  for (const name of order) {
    const missing = await missingPrerequisite(name);
    if (missing !== undefined) {
      skipped.push({ name, reason: missing });
      continue;
    }
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        if (name !== 'webgpu') return { name, skipped };
        // The convolutions, batch norm, cross-entropy, Adam and up-convolution that Node's
        // webgpu runs (packages/backend-webgpu); only 'webgpu' kernels change, webgl keeps tfjs's.
        registerWebGPUKernels();
        return ourWebGPUKernelsActive() ? { name, skipped, kernels: '@unet/backend-webgpu' } : { name, skipped };
      }
      skipped.push({ name, reason: 'tfjs could not initialise it (see the console)' });
    } catch (error) {
      skipped.push({ name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  throw new Error(
    `select_backend: no TensorFlow.js backend starts here (${skipped.map((entry) => `${entry.name}: ${entry.reason}`).join('; ')}); try another browser`,
  );
}
