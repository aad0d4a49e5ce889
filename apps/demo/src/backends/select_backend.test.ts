import '@tensorflow/tfjs-backend-webgpu';
import { registerWebGPUKernels, unregisterWebGPUKernels } from '@unet/backend-webgpu/register';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKEND_PRIORITY, isBackendName, ourWebGPUKernelsActive } from './select_backend.js';

// selectBackend itself needs a browser's navigator.gpu and WebGL: webgpu.browser.test.ts and
// demo.browser.test.ts run it; here the registry check it reports, in Node.
describe('ourWebGPUKernelsActive', () => {
  afterAll(() => unregisterWebGPUKernels());

  it("is true only while @unet/backend-webgpu's kernels are the ones registered for 'webgpu'", () => {
    // tfjs-backend-webgpu's import registers its own.
    expect(ourWebGPUKernelsActive()).toBe(false);
    registerWebGPUKernels();
    expect(ourWebGPUKernelsActive()).toBe(true);
    unregisterWebGPUKernels();
    expect(ourWebGPUKernelsActive()).toBe(false);
  });
});

describe('isBackendName', () => {
  it('accepts the listed backends and nothing else', () => {
    for (const name of BACKEND_PRIORITY) expect(isBackendName(name)).toBe(true);
    expect(isBackendName('auto')).toBe(false);
    expect(isBackendName(3)).toBe(false);
  });
});
