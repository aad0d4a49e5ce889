import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage_error.js';
import { augmentsOnGpu } from './augmentation_device.js';

describe('augmentsOnGpu', () => {
  it('auto: the GPU on webgpu, the CPU on every other backend', () => {
    expect(augmentsOnGpu('auto', 'webgpu')).toBe(true);
    for (const backend of ['native', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu']) expect(augmentsOnGpu('auto', backend)).toBe(false);
  });

  it('cpu: always the CPU, also on webgpu', () => {
    expect(augmentsOnGpu('cpu', 'webgpu')).toBe(false);
    expect(augmentsOnGpu('cpu', 'native')).toBe(false);
  });

  it('gpu: on webgpu; elsewhere a usage error that names the backend and both ways out', () => {
    expect(augmentsOnGpu('gpu', 'webgpu')).toBe(true);
    expect(() => augmentsOnGpu('gpu', 'native')).toThrow(UsageError);
    expect(() => augmentsOnGpu('gpu', 'native')).toThrow(/this run is on native: add --backend webgpu, or use --augment-on cpu/);
  });
});
