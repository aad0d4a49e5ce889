import { resolveUNetConfig, type UNetConfig } from './config.js';
import { UNetConfigError } from './errors.js';

/** The named configurations; `../shared/bench/torch_unet.py` builds the same two in PyTorch. */
export type PresetName = 'paper' | 'small';

const presets: Record<PresetName, Partial<UNetConfig>> = {
  // The paper: base 64, depth 4, unpadded 3x3 convolutions with bias, ReLU, no normalisation,
  // dropout 0.5 after the 512- and 1024-channel levels, 2x2 transposed up-convolutions, crop and
  // concatenate, 1x1 head. 31,030,658 parameters for 1 channel and 2 classes; 572 -> 388 pixels.
  // These are the defaults of UNetConfig (config.ts), so the preset adds nothing to them.
  paper: {},
  // Fast enough for CPUs and browsers: base 16, padded convolutions without bias (batch norm
  // makes a bias redundant), batch norm, no dropout; the output has the input's size.
  small: {
    baseChannels: 16,
    depth: 4,
    padding: 'same',
    normalization: 'batch',
    convolutionBias: false,
    upSampling: 'transposed',
    dropout: 0,
  },
};

export const presetNames: readonly PresetName[] = ['paper', 'small'];

/** The preset's config, with `overrides` (channels, classes, seed, ...) applied and checked. */
export function presetConfig(name: PresetName, overrides: Partial<UNetConfig> = {}): UNetConfig {
  const preset = presets[name];
  if (preset === undefined) {
    throw new UNetConfigError(`Unknown U-Net preset '${name}'; the presets are ${presetNames.join(', ')}`);
  }
  return resolveUNetConfig({ ...preset, ...overrides });
}
