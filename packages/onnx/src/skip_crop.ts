import { nearestValidInputSizes } from '@unet/core';
import type { UNetConfig } from '@unet/model';

/** The centre crop of one skip connection: rows (and columns) cut before and after. */
export interface SkipCrop {
  before: number;
  after: number;
}

/**
 * The crop of each skip connection, from the deepest up-step to the shallowest, as `cropToMatch`
 * does it (the odd pixel, if any, at the end). With unpadded convolutions every size is an affine
 * function of the input size with the same slope on both sides of a concatenation, so the crop
 * is one constant for every valid input: that is what lets an exported graph keep height and
 * width dynamic. With padded convolutions there is nothing to crop.
 */
export function skipCrops(config: Pick<UNetConfig, 'depth' | 'padding'>): SkipCrop[] {
  const { depth, padding } = config;
  const shrink = padding === 'valid' ? 2 : 0;
  let size = nearestValidInputSizes(1, depth, padding).above;
  const skipSizes: number[] = [];
  for (let level = 0; level <= depth; level++) {
    size -= 2 * shrink;
    if (level < depth) {
      skipSizes.push(size);
      size /= 2;
    }
  }
  const crops: SkipCrop[] = [];
  for (let level = depth - 1; level >= 0; level--) {
    size *= 2;
    const difference = skipSizes[level] - size;
    const before = Math.floor(difference / 2);
    crops.push({ before, after: difference - before });
    size -= 2 * shrink;
  }
  return crops;
}
