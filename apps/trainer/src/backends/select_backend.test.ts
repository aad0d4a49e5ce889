import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, describeSelection, selectBackend } from './select_backend.js';

// Whether tfjs-node is installed depends on the machine; this file checks what holds either way.
async function hasPackage(name: string): Promise<boolean> {
  try {
    await import(name);
    return true;
  } catch {
    return false;
  }
}

describe('selectBackend', () => {
  it('takes the first backend that loads, keeping the reason of each skipped one', async () => {
    const selection = await selectBackend();
    expect(tf.getBackend()).toBe(selection.chosen === 'tensorflow-gpu' ? 'tensorflow' : selection.chosen);
    const chosen = selection.attempts.at(-1)!;
    expect(chosen.loaded).toBe(true);
    for (const skipped of selection.attempts.slice(0, -1)) {
      expect(skipped.loaded).toBe(false);
      expect(skipped.reason).toMatch(new RegExp(skipped.packageName.replace('/', '\\/')));
    }
    if (!(await hasPackage('@tensorflow/tfjs-node'))) {
      const { nativeAddonStatus } = await import('@unet/backend-native/status');
      const native = nativeAddonStatus();
      const lines = describeSelection(selection);
      expect(lines.slice(0, 3)).toEqual([
        'skipped tensorflow-gpu: @tensorflow/tfjs-node-gpu is not installed (npm install @tensorflow/tfjs-node-gpu on a machine with CUDA)',
        'skipped tensorflow: @tensorflow/tfjs-node is not installed (npm install @tensorflow/tfjs-node)',
        expect.stringMatching(/^skipped webgpu: webgpu (is not installed|failed to start)/),
      ]);
      if (native.available) {
        expect(selection.chosen).toBe('native');
        expect(lines[3]).toMatch(/^backend: native \(@unet\/backend-native, oneDNN [\d.]+, \d+ threads\)$/);
      } else {
        expect(selection.chosen).toBe('wasm');
        expect(lines.slice(3)).toEqual([
          `skipped native: @unet/backend-native failed to start: ${native.reason.split('\n')[0]}`,
          'backend: wasm (@tensorflow/tfjs-backend-wasm)',
        ]);
      }
    }
  });

  it('uses a forced backend, and only that one', async () => {
    const selection = await selectBackend('cpu');
    expect(selection.chosen).toBe('cpu');
    expect(selection.attempts).toHaveLength(1);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('fails with the reason when a forced backend cannot load', async () => {
    if (await hasPackage('@tensorflow/tfjs-node')) return;
    await expect(selectBackend('tensorflow')).rejects.toThrow(BackendUnavailableError);
    await expect(selectBackend('tensorflow')).rejects.toThrow(/tfjs-node is not installed/);
  });

  it('rejects an unknown backend name, listing the known ones', async () => {
    await expect(selectBackend('webgl' as never)).rejects.toThrow(/tensorflow-gpu, tensorflow, webgpu, native, wasm, cpu/);
  });
});
