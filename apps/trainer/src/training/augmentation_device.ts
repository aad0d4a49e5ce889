import { UsageError } from '../usage_error.js';

/** Where `unet train` makes its augmented tiles: `auto` is the GPU on the webgpu backend, else the CPU. */
export type AugmentOn = 'auto' | 'cpu' | 'gpu';

export const augmentOnChoices: readonly AugmentOn[] = ['auto', 'cpu', 'gpu'];

/**
 * Whether the training tiles are augmented on the GPU (@unet/backend-webgpu's
 * createWebGPUBatchSource) rather than by the CPU pipeline (@unet/data's createBatchSource).
 * Why `auto` picks the GPU on webgpu: the CPU makes a few tiles a second per core, far behind
 * a GPU step, and the GPU's tiles are the same draws resampled there (equal within float32
 * rounding). The GPU pipeline runs on webgpu only; asking for it elsewhere is a usage error.
 */
export function augmentsOnGpu(augmentOn: AugmentOn, backend: string): boolean {
  if (augmentOn === 'gpu' && backend !== 'webgpu') {
    throw new UsageError(
      `--augment-on gpu needs the webgpu backend, and this run is on ${backend}: add --backend webgpu, or use --augment-on cpu (or auto)`,
    );
  }
  return augmentOn === 'gpu' || (augmentOn === 'auto' && backend === 'webgpu');
}
