import { UNetConfigError } from './errors.js';

/** How a 3x3 convolution treats the border. */
export type Padding = 'valid' | 'same';
/** What follows each convolution before the ReLU. */
export type Normalization = 'none' | 'batch';
/** How the expanding path doubles the resolution. */
export type UpSampling = 'transposed' | 'bilinear';
/** How convolution kernels are drawn. */
export type Initialization = 'he';

/**
 * Everything that defines a U-Net. The defaults are the paper's network (Ronneberger et al.
 * 2015, fig. 1); `presets.ts` names the two that the benchmarks compare with PyTorch.
 */
export interface UNetConfig {
  /** Channels of the input image: 1 for the paper's gray EM slices. */
  inputChannels: number;
  /** Classes of the per-pixel softmax: 2 in the paper (membrane, cell). */
  classes: number;
  /** Channels of the first level; doubled per level down (64 -> 1024 in the paper). */
  baseChannels: number;
  /** Number of 2x2 poolings (4 in the paper: five levels). */
  depth: number;
  /**
   * 'valid' is the paper: unpadded convolutions, so the output is smaller than the input and
   * large images are segmented by overlap-tiling. 'same' keeps the size, at the price of the
   * zero-padded borders that the paper avoids.
   */
  padding: Padding;
  /** 'none' is the paper (it predates batch norm); 'batch' trains faster from scratch. */
  normalization: Normalization;
  /** Convolutions carry a bias; without normalisation they must (the paper has biases). */
  convolutionBias: boolean;
  /**
   * 'transposed' is the paper's 2x2 up-convolution that halves the channels; 'bilinear' doubles
   * the size by bilinear interpolation and halves the channels with a 1x1 convolution.
   */
  upSampling: UpSampling;
  /**
   * Dropout rate at the end of the contracting path, applied after the two deepest levels (512
   * and 1024 channels in the paper), as the released Caffe network does. 0 disables it.
   */
  dropout: number;
  /** 'he': Gaussian with std sqrt(2 / N), N the inputs of one neuron (the paper, section 3). */
  initialization: Initialization;
  /** Seed of the weight initialisation: the same seed gives the same weights on every backend. */
  seed: number;
  /** Class names, saved with the model ('background', 'membrane', ...). */
  classNames?: string[];
}

/** The paper's network (fig. 1), for one gray channel and two classes. */
export const defaultUNetConfig: Readonly<UNetConfig> = Object.freeze({
  inputChannels: 1,
  classes: 2,
  baseChannels: 64,
  depth: 4,
  padding: 'valid',
  normalization: 'none',
  convolutionBias: true,
  upSampling: 'transposed',
  dropout: 0.5,
  initialization: 'he',
  seed: 0,
});

const configKeys = new Set<string>([...Object.keys(defaultUNetConfig), 'classNames']);

function checkInteger(name: string, value: unknown, minimum: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    throw new UNetConfigError(`U-Net config: ${name} must be an integer >= ${minimum}, got ${JSON.stringify(value)}`);
  }
}

function checkChoice(name: string, value: unknown, choices: readonly string[]): void {
  if (typeof value !== 'string' || !choices.includes(value)) {
    throw new UNetConfigError(
      `U-Net config: ${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
}

/**
 * Fills in defaults and checks every field; unknown keys are errors, so that a misspelt option
 * in a config file is never silently ignored.
 */
export function resolveUNetConfig(partial: Partial<UNetConfig> = {}): UNetConfig {
  for (const key of Object.keys(partial)) {
    if (!configKeys.has(key)) {
      throw new UNetConfigError(`U-Net config: unknown key '${key}'; the keys are ${[...configKeys].join(', ')}`);
    }
  }
  const config: UNetConfig = { ...defaultUNetConfig, ...partial };
  checkInteger('inputChannels', config.inputChannels, 1);
  checkInteger('classes', config.classes, 1);
  checkInteger('baseChannels', config.baseChannels, 1);
  checkInteger('depth', config.depth, 1);
  checkInteger('seed', config.seed, 0);
  checkChoice('padding', config.padding, ['valid', 'same']);
  checkChoice('normalization', config.normalization, ['none', 'batch']);
  checkChoice('upSampling', config.upSampling, ['transposed', 'bilinear']);
  checkChoice('initialization', config.initialization, ['he']);
  if (typeof config.convolutionBias !== 'boolean') {
    throw new UNetConfigError(`U-Net config: convolutionBias must be true or false`);
  }
  if (typeof config.dropout !== 'number' || !(config.dropout >= 0 && config.dropout < 1)) {
    throw new UNetConfigError(`U-Net config: dropout must be a rate in [0, 1), got ${JSON.stringify(config.dropout)}`);
  }
  if (config.classNames !== undefined) {
    if (
      !Array.isArray(config.classNames) ||
      config.classNames.length !== config.classes ||
      config.classNames.some((name) => typeof name !== 'string')
    ) {
      throw new UNetConfigError(
        `U-Net config: classNames must list ${config.classes} names (one per class), got ${JSON.stringify(config.classNames)}`,
      );
    }
  }
  return config;
}
