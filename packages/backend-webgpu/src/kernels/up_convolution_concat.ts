import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { ConvolutionGemmProgram, plainGemm } from '../programs/convolution_gemm_program.js';
import { upConvolutionConcatOperands } from '../programs/up_convolution_concat_operands.js';

/**
 * The kernel @unet/model's UpConvolution.applyBesideSkip looks for (its contract is in
 * @unet/model's layers/up_convolution_kernels.ts): the 2 x 2 stride-2 up-convolution of x, its
 * bias, and the skip's window beside it, as one tiled product whose tiles write their pixels
 * in place (see upConvolutionConcatOperands), where the ops take a product, two transposes,
 * the bias add, a slice and the concatenation. Inference only (it has no gradient).
 */
export const upConvolutionConcatKernelName = 'UnetUpConvolutionConcat';

function upConvolutionConcat(args: {
  inputs: Record<string, TensorInfo>;
  backend: WebGPUBackend;
  attrs: { top: number; left: number };
}): TensorInfo {
  const { x, kernel, bias, skip } = args.inputs;
  const { backend } = args;
  const [batch, height, width, inChannels] = x.shape;
  const outChannels = kernel.shape[2];
  const [, skipHeight, skipWidth, skipChannels] = skip.shape;
  const dimensions = { dimM: batch * height * width, dimN: 4 * outChannels, dimK: inChannels, chunk: inChannels };
  const program = new ConvolutionGemmProgram(
    upConvolutionConcatOperands,
    [batch, 2 * height, 2 * width, skipChannels + outChannels],
    dimensions,
    1,
    { ...plainGemm, vectorA: inChannels % 4 === 0 },
  );
  if (Math.max(...program.dispatch) > backend.device.limits.maxComputeWorkgroupsPerDimension) {
    throw new Error(
      `@unet/backend-webgpu UnetUpConvolutionConcat: ${dimensions.dimM} input pixels need more than the device's ${backend.device.limits.maxComputeWorkgroupsPerDimension} workgroups per dimension; segment in smaller batches or tiles`,
    );
  }
  const uniforms = [
    { type: 'int32', data: [2, 2] },
    { type: 'int32', data: [args.attrs.top, args.attrs.left] },
    { type: 'int32', data: [2, 2] },
    { type: 'int32', data: [1, 1] },
    { type: 'int32', data: [height, width] },
    { type: 'int32', data: [skipHeight, skipWidth] },
    { type: 'int32', data: [inChannels] },
    { type: 'int32', data: [outChannels] },
    { type: 'int32', data: [dimensions.dimM] },
    { type: 'int32', data: [dimensions.dimN] },
    { type: 'int32', data: [dimensions.dimK] },
    { type: 'int32', data: [dimensions.chunk] },
    { type: 'int32', data: [skipChannels] },
  ];
  return backend.runWebGPUProgram(program, [x, kernel, bias, skip], 'float32', uniforms);
}

export const upConvolutionConcatConfig: KernelConfig = {
  kernelName: upConvolutionConcatKernelName,
  backendName: 'webgpu',
  kernelFunc: upConvolutionConcat as unknown as KernelFunc,
};
