import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/**
 * The gray-value change of @unet/data (augment/gray_value.ts) on a batch of tiles, one
 * invocation per value: v = clamp((x - mean) contrast + mean + brightness, 0, 1), then v^gamma,
 * with each tile's own change and its channels' means over the tile. Inputs: images [batch,
 * height, width, channels]; means [batch, channels]; changes [batch, 4]: brightness, contrast,
 * gamma, and 1 to apply the change or 0 to copy the tile (applyGrayValueChange leaves a tile
 * with NO_GRAY_VALUE_CHANGE untouched, unclamped). As there, the mean is left out (taken as 0)
 * when the contrast is 1, and the power when gamma is 1, so that those parts change nothing.
 */
export class GrayValueProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey = 'unetGrayValueChange';
  label = 'GrayValueProgram';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['images', 'means', 'changes'];
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;

  constructor(shape: number[]) {
    this.outputShape = shape;
    this.dispatchLayout = { x: shape.map((_, index) => index) };
    this.dispatch = [Math.ceil(shape.reduce((product, dimension) => product * dimension, 1) / 64), 1, 1];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let channels = uniforms.outShape.w;
        let tile = index / (uniforms.outShape.y * uniforms.outShape.z * channels);
        let channel = index % channels;
        let x = images[index];
        if (changes[tile * 4 + 3] < 0.5) {
          result[index] = x;
          return;
        }
        let brightness = changes[tile * 4];
        let contrast = changes[tile * 4 + 1];
        let gamma = changes[tile * 4 + 2];
        let mean = select(means[tile * channels + channel], 0.0, contrast == 1.0);
        let value = clamp((x - mean) * contrast + mean + brightness, 0.0, 1.0);
        // pow(0, gamma) is left undefined by WGSL; 0^gamma is 0 for the gamma > 0 drawn.
        var changed = value;
        if (gamma != 1.0) { changed = select(pow(value, gamma), 0.0, value <= 0.0); }
        result[index] = changed;
      }
    `;
  }
}
