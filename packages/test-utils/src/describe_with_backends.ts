import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe } from 'vitest';
import { openDawn } from './webgpu_adapter.js';

export type TestBackendName = 'cpu' | 'wasm' | 'native' | 'webgpu';

// Every model test runs on the reference backend (cpu) and on the fast portable one (wasm),
// as tfjs's own describeWithFlags does for its kernels. UNET_TEST_BACKENDS (e.g.
// 'cpu,wasm,native') picks others: 'native' is @unet/backend-native, an optional oneDNN addon;
// 'webgpu' is tfjs-backend-webgpu with @unet/backend-webgpu's kernels, through Dawn (the
// `webgpu` package) on whatever Vulkan adapter there is (see loadWebGPUBackend).
export const testBackends: readonly TestBackendName[] = (process.env.UNET_TEST_BACKENDS ?? 'cpu,wasm')
  .split(',')
  .map((name) => name.trim() as TestBackendName)
  .filter((name) => name.length > 0);

// Why 'native' cannot run here (its suites are then skipped), or undefined when it registered.
const nativeUnavailable = testBackends.includes('native') ? await loadNativeBackend() : undefined;
// The same for 'webgpu'.
const webgpuUnavailable = testBackends.includes('webgpu') ? await loadWebGPUBackend() : undefined;

/** Runs `body` once per backend, inside a describe block named after the backend. */
export function describeWithBackends(
  name: string,
  body: (backend: TestBackendName) => void,
  backends: readonly TestBackendName[] = testBackends,
): void {
  for (const backend of backends) {
    const skipReason =
      !testBackends.includes(backend) && (backend === 'native' || backend === 'webgpu')
        ? `not in UNET_TEST_BACKENDS (${testBackends.join(',')})`
        : backend === 'native'
          ? nativeUnavailable
          : backend === 'webgpu'
            ? webgpuUnavailable
            : undefined;
    describe.skipIf(skipReason !== undefined)(`${name} [${backend}]${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
      beforeAll(async () => {
        const ok = await tf.setBackend(backend);
        if (!ok) throw new Error(`The ${backend} backend failed to initialise`);
        await tf.ready();
      });
      body(backend);
    });
  }
}

// Dawn makes navigator.gpu, tfjs-backend-webgpu registers 'webgpu' when it sees it, and
// @unet/backend-webgpu then replaces some of its kernels. Returns why it cannot, or undefined.
async function loadWebGPUBackend(): Promise<string | undefined> {
  const dawn = await openDawn();
  if ('unavailable' in dawn) return dawn.unavailable;
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: dawn.gpu }, configurable: true, writable: true });
  const sibling = new URL('../../backend-webgpu/dist/index.js', import.meta.url);
  if (!existsSync(sibling)) return '@unet/backend-webgpu is not built (pnpm --filter @unet/backend-webgpu build)';
  try {
    await import(sibling.href);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

// @unet/backend-native as the package under test depends on it, else from the workspace; it
// registers 'native' when imported and throws NativeAddonMissingError when its addon is absent.
async function loadNativeBackend(): Promise<string | undefined> {
  let location: string | undefined;
  try {
    location = createRequire(join(process.cwd(), 'package.json')).resolve('@unet/backend-native');
  } catch {
    const sibling = new URL('../../backend-native/dist/index.js', import.meta.url);
    if (existsSync(sibling)) location = sibling.href;
  }
  if (location === undefined) return '@unet/backend-native is not built';
  try {
    await import(location.startsWith('file:') ? location : pathToFileURL(location).href);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
