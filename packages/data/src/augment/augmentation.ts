/**
 * The paper's augmentation (Ronneberger et al. 2015, section 3.1): shifts, rotations, flips,
 * gray-value variations and, above all, elastic deformation on a coarse 3x3 grid with 10 px
 * standard deviation. One draw fixes every random choice; the same draw deforms the image, the
 * mask, the instances and the weight map identically (see sampling_map.ts), so they stay aligned.
 *
 * Options are plain JSON so that they cross to worker threads and into checkpoints.
 */
import type { Random } from '../random.js';
import type { ImageArray, LabelArray } from '@unet/core';
import type { Sample } from '../sample.js';
import { AugmentationError } from './augmentation_error.js';
import { type CoarseDisplacements, drawCoarseDisplacements } from './elastic_field.js';
import { type GrayValueChange, applyGrayValueChange } from './gray_value.js';
import { type Interpolation, resampleFloat, resampleImage, resampleLabels } from './interpolate.js';
import { type Geometry, createSamplingMap } from './sampling_map.js';

/** What to vary and by how much; every field is optional and defaults to PAPER_AUGMENTATION's. */
export interface AugmentationOptions {
  /** Standard deviation of the coarse displacements, in pixels; 10 in the paper, 0 for none. */
  elasticStd?: number;
  /** Nodes per side of the coarse grid; 3 in the paper. */
  elasticGridSize?: number;
  /** Flip rows and columns, each with probability 1/2. */
  flip?: boolean;
  /** Turn by 0, 1, 2 or 3 quarter turns, each with probability 1/4 (exact for square windows). */
  quarterTurns?: boolean;
  /** Rotation drawn uniformly in [-maxRotationDegrees, maxRotationDegrees]. */
  maxRotationDegrees?: number;
  /** Magnification drawn log-uniformly in [minScale, maxScale]; the paper does not scale. */
  minScale?: number;
  maxScale?: number;
  /** Shift drawn uniformly in [-maxShift, maxShift] pixels per axis (random crops shift too). */
  maxShift?: number;
  /** Brightness offset drawn uniformly in [-brightness, brightness] (images are in [0, 1]). */
  brightness?: number;
  /** Contrast factor drawn uniformly in [1 - contrast, 1 + contrast]. */
  contrast?: number;
  /** Gamma drawn log-uniformly in [1 / (1 + gamma), 1 + gamma]. */
  gamma?: number;
  /** How the image is resampled; the paper's deformation is bicubic. */
  interpolation?: Interpolation;
  /** How the weight map is resampled: bilinear keeps its thin ridges smooth; nearest keeps its exact values. */
  weightInterpolation?: 'bilinear' | 'nearest';
}

export type ResolvedAugmentation = Required<AugmentationOptions>;

/**
 * The paper's augmentation. Its amounts of shift, rotation and gray-value change are not given
 * in the paper; these are moderate choices that keep EM and cell images plausible.
 */
export const PAPER_AUGMENTATION: ResolvedAugmentation = Object.freeze({
  elasticStd: 10,
  elasticGridSize: 3,
  flip: true,
  quarterTurns: true,
  maxRotationDegrees: 15,
  minScale: 1,
  maxScale: 1,
  maxShift: 0,
  brightness: 0.1,
  contrast: 0.2,
  gamma: 0.3,
  interpolation: 'bicubic',
  weightInterpolation: 'bilinear',
});

/** Nothing varies: the sampling map is the identity (use it for validation). */
export const NO_AUGMENTATION: ResolvedAugmentation = Object.freeze({
  ...PAPER_AUGMENTATION,
  elasticStd: 0,
  flip: false,
  quarterTurns: false,
  maxRotationDegrees: 0,
  brightness: 0,
  contrast: 0,
  gamma: 0,
});

function nonNegative(options: ResolvedAugmentation, name: keyof ResolvedAugmentation, fix: string): void {
  const value = options[name];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new AugmentationError(`augmentation.ts: ${name} must be a finite number >= 0, got ${String(value)}; ${fix}.`);
  }
}

/** The options with defaults filled in and checked; `false` means NO_AUGMENTATION. */
export function resolveAugmentation(options: AugmentationOptions | false | undefined): ResolvedAugmentation {
  if (options === false) return NO_AUGMENTATION;
  const resolved: ResolvedAugmentation = { ...PAPER_AUGMENTATION, ...options };
  nonNegative(resolved, 'elasticStd', 'use 10 pixels (the paper) or 0 for none');
  nonNegative(resolved, 'maxRotationDegrees', 'use e.g. 15, or 0 for none');
  nonNegative(resolved, 'maxShift', 'use a number of pixels, or 0 for none');
  nonNegative(resolved, 'brightness', 'use e.g. 0.1 (images are in [0, 1]), or 0 for none');
  nonNegative(resolved, 'gamma', 'use e.g. 0.3, or 0 for none');
  if (!(resolved.contrast >= 0 && resolved.contrast < 1)) {
    throw new AugmentationError(`augmentation.ts: contrast must be in [0, 1), got ${resolved.contrast}; use e.g. 0.2, or 0 for none.`);
  }
  if (!(resolved.minScale > 0 && resolved.minScale <= resolved.maxScale && Number.isFinite(resolved.maxScale))) {
    throw new AugmentationError(
      `augmentation.ts: the scale range [${resolved.minScale}, ${resolved.maxScale}] is not a range of positive numbers; use e.g. minScale 0.9, maxScale 1.1, or 1 and 1 for none.`,
    );
  }
  if (!Number.isInteger(resolved.elasticGridSize) || resolved.elasticGridSize < 2) {
    throw new AugmentationError(
      `augmentation.ts: elasticGridSize must be a whole number >= 2, got ${resolved.elasticGridSize}; use 3 (the paper).`,
    );
  }
  if (!['nearest', 'bilinear', 'bicubic'].includes(resolved.interpolation)) {
    throw new AugmentationError(
      `augmentation.ts: interpolation '${resolved.interpolation}' is unknown; use 'bicubic', 'bilinear' or 'nearest'.`,
    );
  }
  if (!['nearest', 'bilinear'].includes(resolved.weightInterpolation)) {
    throw new AugmentationError(
      `augmentation.ts: weightInterpolation '${resolved.weightInterpolation}' is unknown; use 'bilinear' or 'nearest'.`,
    );
  }
  return resolved;
}

/** Every random choice of one augmentation. */
export interface AugmentationDraw {
  flipRows: boolean;
  flipColumns: boolean;
  quarterTurns: number;
  /** Radians. */
  rotation: number;
  scale: number;
  shiftRows: number;
  shiftColumns: number;
  /** Absent when elasticStd is 0. */
  displacements?: CoarseDisplacements;
  grayValue: GrayValueChange;
}

/**
 * Draws one augmentation. The draws are made in a fixed order whatever the options, so turning
 * one part off does not change the others.
 */
export function drawAugmentation(random: Random, options: ResolvedAugmentation): AugmentationDraw {
  const flipRows = random.bernoulli();
  const flipColumns = random.bernoulli();
  const quarterTurns = random.integer(0, 4);
  const rotationUnit = random.uniform(-1, 1);
  const scaleUnit = random.uniform();
  const shiftRowsUnit = random.uniform(-1, 1);
  const shiftColumnsUnit = random.uniform(-1, 1);
  const brightnessUnit = random.uniform(-1, 1);
  const contrastUnit = random.uniform(-1, 1);
  const gammaUnit = random.uniform(-1, 1);
  const coarse = drawCoarseDisplacements(random.fork('elastic'), options.elasticGridSize, 1);
  const logScale = Math.log(options.minScale) + scaleUnit * (Math.log(options.maxScale) - Math.log(options.minScale));
  const displacements =
    options.elasticStd > 0 ? { gridSize: coarse.gridSize, values: coarse.values.map((value) => value * options.elasticStd) } : undefined;
  return {
    flipRows: options.flip && flipRows,
    flipColumns: options.flip && flipColumns,
    quarterTurns: options.quarterTurns ? quarterTurns : 0,
    rotation: (rotationUnit * options.maxRotationDegrees * Math.PI) / 180,
    scale: Math.exp(logScale),
    shiftRows: shiftRowsUnit * options.maxShift,
    shiftColumns: shiftColumnsUnit * options.maxShift,
    displacements,
    grayValue: {
      brightness: brightnessUnit * options.brightness,
      contrast: 1 + contrastUnit * options.contrast,
      gamma: Math.exp(gammaUnit * Math.log(1 + options.gamma)),
    },
  };
}

/** The geometry of a draw for a window centred on (centreRow, centreColumn) of the source. */
export function drawGeometry(draw: AugmentationDraw, centreRow: number, centreColumn: number): Geometry {
  return {
    centreRow: centreRow + draw.shiftRows,
    centreColumn: centreColumn + draw.shiftColumns,
    flipRows: draw.flipRows,
    flipColumns: draw.flipColumns,
    quarterTurns: draw.quarterTurns,
    rotation: draw.rotation,
    scale: draw.scale,
    displacements: draw.displacements,
  };
}

/** A deformed sample and, when given, its deformed weight map. */
export interface AugmentedSample {
  sample: Sample;
  /** [height, width], float32 */
  weights?: Float32Array;
}

/**
 * Augments a whole sample, keeping its size: image (options.interpolation, then gray values),
 * mask and instances (nearest), weight map (options.weightInterpolation). Pixels that would come
 * from outside the image come from its mirror image.
 *
 * @param weights // [height, width], e.g. the paper's weight map computed on the un-augmented mask
 */
export function augmentSample(
  sample: Sample,
  random: Random,
  options?: AugmentationOptions | false,
  weights?: Float32Array,
): AugmentedSample {
  const resolved = resolveAugmentation(options);
  const { height, width } = sample.image;
  checkSameSize(sample, weights);
  const draw = drawAugmentation(random, resolved);
  const map = createSamplingMap(drawGeometry(draw, (height - 1) / 2, (width - 1) / 2), height, width);
  const image: ImageArray = applyGrayValueChange(resampleImage(sample.image, map, resolved.interpolation), draw.grayValue);
  const mask: LabelArray = resampleLabels(sample.mask, map);
  const result: Sample = { ...sample, image, mask };
  if (sample.instances) result.instances = resampleLabels(sample.instances, map);
  return {
    sample: result,
    weights: weights ? resampleFloat(weights, height, width, 1, map, resolved.weightInterpolation) : undefined,
  };
}

function checkSameSize(sample: Sample, weights: Float32Array | undefined): void {
  const { height, width } = sample.image;
  const parts: [string, number, number][] = [['mask', sample.mask.height, sample.mask.width]];
  if (sample.instances) parts.push(['instances', sample.instances.height, sample.instances.width]);
  for (const [name, partHeight, partWidth] of parts) {
    if (partHeight !== height || partWidth !== width) {
      throw new AugmentationError(
        `augmentation.ts: sample '${sample.id}' has a ${height} x ${width} image but a ${partHeight} x ${partWidth} ${name}; the ground truth must have the image's size.`,
      );
    }
  }
  if (weights && weights.length !== height * width) {
    throw new AugmentationError(
      `augmentation.ts: the weight map of sample '${sample.id}' has ${weights.length} values, not ${height} x ${width}; pass it as [height, width].`,
    );
  }
}
