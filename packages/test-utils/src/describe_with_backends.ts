import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe } from 'vitest';

export type TestBackendName = 'cpu' | 'wasm';

// Every model test runs on the reference backend (cpu) and on the fast portable one (wasm),
// as tfjs's own describeWithFlags does for its kernels.
export const testBackends: readonly TestBackendName[] = ['cpu', 'wasm'];

/** Runs `body` once per backend, inside a describe block named after the backend. */
export function describeWithBackends(
  name: string,
  body: (backend: TestBackendName) => void,
  backends: readonly TestBackendName[] = testBackends,
): void {
  for (const backend of backends) {
    describe(`${name} [${backend}]`, () => {
      beforeAll(async () => {
        const ok = await tf.setBackend(backend);
        if (!ok) throw new Error(`The ${backend} backend failed to initialise`);
        await tf.ready();
      });
      body(backend);
    });
  }
}
