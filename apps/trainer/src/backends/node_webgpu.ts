/**
 * WebGPU in Node through Dawn (the `webgpu` npm package): a GPU path for the trainer on machines
 * where libtensorflow (tfjs-node-gpu) is missing, e.g. an offline GPU box. Dawn needs a Vulkan
 * driver; the package is optional and loaded only when present (`npm install webgpu`).
 */

/** Adapters that emulate a GPU on the CPU: slower than wasm for training, so never chosen unless forced. */
const softwareAdapterPattern = /swiftshader|llvmpipe|lavapipe|software|microsoft basic/i;

export interface NodeWebGPU {
  /** The adapter's description as the driver gives it, e.g. "NVIDIA H100 80GB HBM3". */
  adapter: string;
  software: boolean;
}

interface DawnModule {
  create: (options: string[]) => { requestAdapter: (options?: object) => Promise<AdapterLike | null> };
  globals: Record<string, unknown>;
}

interface AdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

function describeAdapter(adapter: AdapterLike): string {
  const info = adapter.info ?? {};
  return [info.description, info.vendor, info.device].filter((part) => part !== undefined && part !== '').join(' / ') || 'unknown adapter';
}

let dawnLoaded = false;

/**
 * Whether Dawn was loaded in this process. Its instance keeps Node's event loop alive after the
 * work is done, so a command that loaded it ends the process itself (cli.ts).
 */
export function isDawnLoaded(): boolean {
  return dawnLoaded;
}

/**
 * Makes `navigator.gpu` exist in Node (what tfjs-backend-webgpu looks for) and reports the adapter.
 * Throws with a reason a user can act on when no adapter is found, or when only a software one is
 * and `allowSoftware` is false.
 */
export async function installNodeWebGPU(allowSoftware: boolean): Promise<NodeWebGPU> {
  const dawn = (await import('webgpu' as string)) as DawnModule;
  dawnLoaded = true;
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) {
    throw new Error("webgpu (Dawn) found no GPU adapter: install the Vulkan loader (libvulkan1) and the GPU vendor's Vulkan driver");
  }
  const description = describeAdapter(adapter);
  const software =
    adapter.info?.isFallbackAdapter === true || adapter.isFallbackAdapter === true || softwareAdapterPattern.test(description);
  if (software && !allowSoftware) {
    throw new Error(`webgpu (Dawn) found only a software adapter (${description}), slower than wasm; use --backend webgpu to force it`);
  }
  const navigatorObject = (globalThis as { navigator?: object }).navigator;
  if (navigatorObject === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else {
    Object.defineProperty(navigatorObject, 'gpu', { value: gpu, configurable: true });
  }
  return { adapter: description, software };
}

/**
 * The 'webgpu' backend in Node: Dawn's navigator.gpu, tfjs-backend-webgpu, and the faster
 * kernels of @unet/backend-webgpu over tfjs's own (in that order: each needs the one before).
 * Returns the adapter's description.
 */
export async function loadNodeWebGPUBackend(allowSoftware: boolean): Promise<NodeWebGPU> {
  const installed = await installNodeWebGPU(allowSoftware);
  await import('@tensorflow/tfjs-backend-webgpu');
  await import('@unet/backend-webgpu');
  return installed;
}
