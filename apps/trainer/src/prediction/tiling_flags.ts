import type { SegmentImageOptions } from '@unet/inference';
import { UsageError } from '../usage_error.js';

/** The flags of `unet predict` and `unet eval` that say how an image is cut into tiles. */
export const tilingFlags = {
  tile: { type: 'string' },
  'context-margin': { type: 'string' },
  blend: { type: 'string', default: 'none' },
} as const;

export const tilingHelp = `  --tile N          output tile side in px (default: the one the model was trained with)
  --context-margin N  px of context each tile sees beyond the pixels it predicts (padded
                    networks; default 4 * 2^depth, 64 for depth 4; 0 is plain tiling, whose
                    tiles see zeros at their seams; an unpadded network takes its own)
  --blend MODE      none (the paper's seamless tiles, default) or gaussian (overlapping tiles)`;

/** segmentImage's tiling options from the flags, or a UsageError naming the flag; without --tile, the model's tile, if it has one. */
export function tilingOptions(
  values: { tile?: string; 'context-margin'?: string; blend?: string },
  defaultOutputTileSize: number | undefined,
): Pick<SegmentImageOptions, 'outputTileSize' | 'contextMargin' | 'blend'> {
  const blend = values.blend ?? 'none';
  if (blend !== 'none' && blend !== 'gaussian') throw new UsageError(`--blend: must be none or gaussian, got '${blend}'`);
  const outputTileSize = wholeNumber('--tile', values.tile, 1) ?? defaultOutputTileSize;
  const contextMargin = wholeNumber('--context-margin', values['context-margin'], 0);
  return { blend, ...(outputTileSize === undefined ? {} : { outputTileSize }), ...(contextMargin === undefined ? {} : { contextMargin }) };
}

function wholeNumber(flag: string, text: string | undefined, least: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < least)
    throw new UsageError(`${flag}: expected a whole number >= ${least}, got '${text}'`);
  return value;
}
