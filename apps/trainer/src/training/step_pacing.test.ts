import { describe, expect, it } from 'vitest';
import { stepPacing } from './step_pacing.js';

describe('stepPacing', () => {
  it('reads every 10 steps and warms up on the GPU backends, every step and no warm-up on the CPU ones', () => {
    expect(stepPacing('webgpu')).toEqual({ readbackEvery: 10, warmUp: true });
    expect(stepPacing('tensorflow-gpu')).toEqual({ readbackEvery: 10, warmUp: true });
    for (const backend of ['native', 'wasm', 'cpu', 'tensorflow']) expect(stepPacing(backend)).toEqual({ readbackEvery: 1, warmUp: false });
  });

  it('takes --readback-every over the default, the warm-up staying the backend’s', () => {
    expect(stepPacing('webgpu', 1)).toEqual({ readbackEvery: 1, warmUp: true });
    expect(stepPacing('native', 5)).toEqual({ readbackEvery: 5, warmUp: false });
  });
});
