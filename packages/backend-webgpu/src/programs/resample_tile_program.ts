import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { samplingMapSnippet } from './sampling_map_snippet.js';

/** What a resampling program writes: the input tile's image, or the output tile's labels or weights. */
export type ResampledPart = 'image' | 'labels' | 'weights';

/** How values between pixel centres are read (augment/interpolate.ts's Interpolation); labels are always 'nearest'. */
export type TileInterpolation = 'nearest' | 'bilinear' | 'bicubic';

/** The uniforms of the resampling programs, in this order (see resampleTileUniforms). */
const resampleTileUniformDeclarations = 'inputSize : i32, outputSize : i32, ignoreLabel : i32, ignores : i32,';

export function resampleTileUniforms(attributes: {
  inputSize: number;
  outputSize: number;
  ignoreLabel: number | null;
}): { type: string; data: number[] }[] {
  return [
    { type: 'int32', data: [attributes.inputSize] },
    { type: 'int32', data: [attributes.outputSize] },
    { type: 'int32', data: [attributes.ignoreLabel ?? 0] },
    { type: 'int32', data: [attributes.ignoreLabel === null ? 0 : 1] },
  ];
}

/** The WGSL that reads one value of `source` ([height, width, channels] or [height, width]) at a source position. */
function interpolationSnippet(interpolation: TileInterpolation, source: string, channelsOf: string): string {
  const read = (row: string, column: string) => `${source}[(${row} * width + ${column}) * channels + channel]`;
  const header = `
    fn interpolate(position : vec2<f32>, channel : i32) -> f32 {
      let height = uniforms.${source}Shape.x;
      let width = uniforms.${source}Shape.y;
      let channels = ${channelsOf};`;
  if (interpolation === 'nearest') {
    return `${header}
      return ${read('nearestIndex(position.x, height)', 'nearestIndex(position.y, width)')};
    }`;
  }
  if (interpolation === 'bilinear') {
    return `${header}
      let row0 = floor(position.x);
      let column0 = floor(position.y);
      let fy = position.x - row0;
      let fx = position.y - column0;
      let top = mirrorIndex(i32(row0), height);
      let bottom = mirrorIndex(i32(row0) + 1, height);
      let left = mirrorIndex(i32(column0), width);
      let right = mirrorIndex(i32(column0) + 1, width);
      let a = ${read('top', 'left')};
      let b = ${read('top', 'right')};
      let c = ${read('bottom', 'left')};
      let d = ${read('bottom', 'right')};
      return (a + (b - a) * fx) * (1.0 - fy) + (c + (d - c) * fx) * fy;
    }`;
  }
  return `${header}
      let row0 = floor(position.x);
      let column0 = floor(position.y);
      let rowWeights = catmullRomWeights(position.x - row0);
      let columnWeights = catmullRomWeights(position.y - column0);
      var columns : array<i32, 4>;
      for (var tap = 0; tap < 4; tap = tap + 1) { columns[tap] = mirrorIndex(i32(column0) - 1 + tap, width); }
      var sum = 0.0;
      for (var r = 0; r < 4; r = r + 1) {
        let row = mirrorIndex(i32(row0) - 1 + r, height);
        var rowSum = 0.0;
        for (var c = 0; c < 4; c = c + 1) { rowSum = rowSum + columnWeights[c] * ${read('row', 'columns[c]')}; }
        sum = sum + rowWeights[r] * rowSum;
      }
      return sum;
    }`;
}

/**
 * One tile of the paper's augmentation, resampled from its un-augmented sample on the GPU, one
 * invocation per tile pixel, each computing its own source position from the tile's sampling
 * parameters (samplingMapSnippet) and reading the mirrored source as augment/interpolate.ts
 * does:
 * - 'image': the input tile [inputSize, inputSize, channels] from `image` [height, width,
 *   channels], by `interpolation` (the gray-value change comes after, on the whole batch);
 * - 'labels': the output tile [outputSize, outputSize] (the input window's centre) from `mask`
 *   [height, width] int32, nearest;
 * - 'weights': the output tile from `weights` [height, width] by `interpolation`, 0 where the
 *   nearest mask pixel holds the ignore label (with `ignores`).
 * Inputs: [image, parameters], [mask, parameters], [weights, mask, parameters].
 */
export class ResampleTileProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  label = 'ResampleTileProgram';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms = resampleTileUniformDeclarations;
  workgroupSize: [number, number, number] = [64, 1, 1];
  private readonly part: ResampledPart;
  private readonly interpolation: TileInterpolation;

  constructor(part: ResampledPart, interpolation: TileInterpolation, inputSize: number, outputSize: number, channels: number) {
    this.part = part;
    this.interpolation = part === 'labels' ? 'nearest' : interpolation;
    const side = part === 'image' ? inputSize : outputSize;
    this.outputShape = part === 'image' ? [side, side, channels] : [side, side];
    this.variableNames = { image: ['image', 'parameters'], labels: ['mask', 'parameters'], weights: ['weights', 'mask', 'parameters'] }[
      part
    ];
    this.shaderKey = `unetResampleTile_${part}_${this.interpolation}`;
    this.dispatchLayout = { x: this.outputShape.map((_, index) => index) };
    this.dispatch = [Math.ceil((side * side) / 64), 1, 1];
  }

  getUserCode(): string {
    const source = { image: 'image', labels: 'mask', weights: 'weights' }[this.part];
    const channels = this.part === 'image' ? `uniforms.imageShape.z` : '1';
    const labelsRead = `mask[nearestIndex(position.x, uniforms.maskShape.x) * uniforms.maskShape.y + nearestIndex(position.y, uniforms.maskShape.y)]`;
    const body = {
      image: `
        for (var channel = 0; channel < uniforms.imageShape.z; channel = channel + 1) {
          result[pixel * uniforms.imageShape.z + channel] = interpolate(position, channel);
        }`,
      labels: `result[pixel] = ${labelsRead};`,
      weights: `
        var value = interpolate(position, 0);
        if (uniforms.ignores != 0 && ${labelsRead} == uniforms.ignoreLabel) { value = 0.0; }
        result[pixel] = value;`,
    }[this.part];
    // The output tile is the centre of the input window: its pixel (row, column) is the window's (row + margin, column + margin).
    const window = this.part === 'image' ? 'uniforms.inputSize' : 'uniforms.outputSize';
    return `
      ${samplingMapSnippet}
      ${this.part === 'labels' ? '' : interpolationSnippet(this.interpolation, source, channels)}

      fn main(pixel : i32) {
        let side = ${window};
        if (pixel >= side * side) { return; }
        let margin = (uniforms.inputSize - side) / 2;
        let position = sourcePosition(pixel / side + margin, pixel % side + margin);
        ${body}
      }
    `;
  }
}
