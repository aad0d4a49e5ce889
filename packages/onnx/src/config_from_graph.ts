import { resolveUNetConfig, type UNetConfig } from '@unet/model';
import type { GraphIndex } from './graph_index.js';
import { tensorDims } from './graph_index.js';
import type { ConvolutionLayout, UNetGraphLayout } from './read_unet_graph.js';
import { skipCrops } from './skip_crop.js';

/** The structural fields: what a graph states and what must agree with a saved config. */
export type StructuralConfig = Pick<
  UNetConfig,
  'inputChannels' | 'classes' | 'baseChannels' | 'depth' | 'padding' | 'normalization' | 'convolutionBias' | 'upSampling'
>;

export const structuralKeys: (keyof StructuralConfig)[] = [
  'inputChannels',
  'classes',
  'baseChannels',
  'depth',
  'padding',
  'normalization',
  'convolutionBias',
  'upSampling',
];

/** Batch norm's epsilon in @unet/model; another one would change every normalised value. */
const ourEpsilon = 1e-5;

/**
 * The UNetConfig that a walked graph describes. Every 3x3 convolution must agree on padding,
 * bias and batch norm, and every up-step on its kind, since one config holds each for the whole
 * network; the first that differs is named. Channel counts are checked per weight by
 * weights_from_graph.
 */
export function configFromGraph(index: GraphIndex, layout: UNetGraphLayout): StructuralConfig {
  const first = layout.down[0][0];
  const [baseChannels, inputChannels] = tensorDims(first.kernel);
  const convolutions: ConvolutionLayout[] = [...layout.down.flat(), ...layout.up.flatMap((level) => level.convolutions)];
  const padding = first.pad === 1 ? 'same' : 'valid';
  const normalization = first.normalization === undefined ? 'none' : 'batch';
  const convolutionBias = first.bias !== undefined;
  for (const convolution of convolutions) {
    if (convolution.pad !== first.pad)
      throw index.error(
        convolution.node,
        `pads ${convolution.pad} where the first convolution pads ${first.pad}; a U-Net pads all its 3x3 convolutions alike`,
      );
    if ((convolution.normalization === undefined) !== (normalization === 'none')) {
      throw index.error(
        convolution.node,
        `is ${convolution.normalization === undefined ? 'not ' : ''}followed by batch norm where the first convolution is${normalization === 'none' ? ' not' : ''}; a U-Net normalises all or none`,
      );
    }
    if ((convolution.bias !== undefined) !== convolutionBias) {
      throw index.error(
        convolution.node,
        `has ${convolution.bias === undefined ? 'no ' : 'a '}bias where the first convolution has ${convolutionBias ? 'one' : 'none'}; a U-Net's 3x3 convolutions all have a bias or none`,
      );
    }
    const epsilon = convolution.normalization?.epsilon;
    if (epsilon !== undefined && Math.abs(epsilon - ourEpsilon) > 1e-3 * ourEpsilon) {
      throw index.error(
        convolution.normalization?.node,
        `has epsilon ${epsilon}; unet-ts's batch norm uses ${ourEpsilon} (PyTorch's default)`,
      );
    }
  }
  const upSampling = layout.up[0].upSampling.kind;
  for (const level of layout.up) {
    if (level.upSampling.kind !== upSampling)
      throw index.error(
        level.upSampling.node,
        `up-samples by ${level.upSampling.kind} where the deepest level uses ${upSampling}; a U-Net uses one kind`,
      );
  }
  const depth = layout.down.length - 1;
  const crops = skipCrops({ depth, padding });
  for (const [step, level] of layout.up.entries()) {
    const expected = crops[step];
    const after = level.crop.after;
    const fits =
      level.crop.before.every((before) => before === expected.before) &&
      after.every((value) => value === undefined || value === expected.after);
    if (!fits) {
      throw index.error(
        level.crop.nodes[0] ?? level.concat,
        `crops the skip by [${level.crop.before}] before and [${after.map((value) => value ?? '?')}] after; a ${padding} U-Net of depth ${depth} crops ${expected.before} and ${expected.after} there (centre crop)`,
      );
    }
  }
  const classes = tensorDims(layout.head.kernel)[0];
  const channels = layout.inputShape[1];
  if (channels !== undefined && channels !== inputChannels) {
    throw index.error(first.node, `takes ${inputChannels} channels but the graph input '${layout.inputName}' has ${channels}`);
  }
  return { inputChannels, classes, baseChannels, depth, padding, normalization, convolutionBias, upSampling };
}

/** A full config: the graph's structure, and what only our own export saves (dropout, seed, class names). */
export function completeConfig(structure: StructuralConfig, saved: UNetConfig | undefined, classNames: string[] | undefined): UNetConfig {
  if (saved !== undefined) return saved;
  // An inference graph holds no dropout: 0 says so rather than claim the paper's 0.5.
  return resolveUNetConfig({ ...structure, dropout: 0, ...(classNames?.length === structure.classes ? { classNames } : {}) });
}
