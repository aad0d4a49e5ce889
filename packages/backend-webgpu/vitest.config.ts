import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Without a GPU the suites run on SwiftShader, a software adapter: correct, but slow.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // This package's suites compare webgpu with cpu; UNET_TEST_BACKENDS may narrow them.
    env: { UNET_TEST_BACKENDS: process.env.UNET_TEST_BACKENDS ?? 'cpu,webgpu' },
  },
});
