import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The browser test builds nothing itself (turbo builds first) but trains and segments on
    // SwiftShader's software WebGL.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
