// tfjs-backend-webgpu registers its kernels when imported; ours replace some of them, so it
// comes first. In Node, navigator.gpu must exist before this import (see the README).
import '@tensorflow/tfjs-backend-webgpu';
import { registerWebGPUKernels } from './register.js';

registerWebGPUKernels();

export { registerWebGPUKernels, unregisterWebGPUKernels, webgpuKernels } from './register.js';
export { countDispatches, type DispatchCount } from './dispatch_counter.js';
export { planSplitK, type SplitKPlan, type SplitKOptions } from './split_k_plan.js';
export { WebGPUBatchSourceError, createWebGPUBatchSource } from './augmentation/webgpu_batch_source.js';
export { tileSamplingParameters } from './programs/tile_sampling_parameters.js';
