import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { ResampleTileProgram, type TileInterpolation, resampleTileUniforms } from '../programs/resample_tile_program.js';

/**
 * One training tile of the paper's augmentation, resampled on the GPU from its un-augmented
 * sample (@unet/data's extractTrainingTile without the gray-value change, which
 * UnetGrayValueChange then applies to the batch): the input tile's image, the output tile's
 * labels and, when given, its weights, one dispatch each. Inputs: image [height, width,
 * channels] float32, mask [height, width] int32, weights [height, width] float32 (optional),
 * parameters (tileSamplingParameters of the tile's geometry). Outputs: [inputSize, inputSize,
 * channels], [outputSize, outputSize] int32 and [outputSize, outputSize].
 */
export const augmentTileKernelName = 'UnetAugmentTile';

export interface AugmentTileAttributes {
  inputSize: number;
  outputSize: number;
  interpolation: TileInterpolation;
  weightInterpolation: 'nearest' | 'bilinear';
  /** Weights are 0 where the mask holds it; null: none. */
  ignoreLabel: number | null;
}

function augmentTile(args: {
  inputs: Record<string, TensorInfo | undefined>;
  backend: WebGPUBackend;
  attrs: AugmentTileAttributes;
}): TensorInfo[] {
  const { image, mask, weights, parameters } = args.inputs as Record<string, TensorInfo> & { weights?: TensorInfo };
  const { backend, attrs } = args;
  const { inputSize, outputSize } = attrs;
  const uniforms = resampleTileUniforms(attrs);
  const channels = image.shape[2];
  const outputs = [
    backend.runWebGPUProgram(
      new ResampleTileProgram('image', attrs.interpolation, inputSize, outputSize, channels),
      [image, parameters],
      'float32',
      uniforms,
    ),
    backend.runWebGPUProgram(new ResampleTileProgram('labels', 'nearest', inputSize, outputSize, 1), [mask, parameters], 'int32', uniforms),
  ];
  if (weights != null) {
    outputs.push(
      backend.runWebGPUProgram(
        new ResampleTileProgram('weights', attrs.weightInterpolation, inputSize, outputSize, 1),
        [weights, mask, parameters],
        'float32',
        uniforms,
      ),
    );
  }
  return outputs;
}

export const augmentTileConfig: KernelConfig = {
  kernelName: augmentTileKernelName,
  backendName: 'webgpu',
  kernelFunc: augmentTile as unknown as KernelFunc,
};
