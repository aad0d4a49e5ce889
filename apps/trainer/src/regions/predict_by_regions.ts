import type { TileNetwork } from '@unet/inference';
import type { ModelMetadata, UNet } from '@unet/model';
import { UsageError } from '../usage_error.js';
import { isLargeImage, LARGE_IMAGE_PIXELS, largeMaskFile, segmentLargeFile } from './segment_large_file.js';

/** The flag of `unet predict` that asks for the region-by-region path (spread into its parseArgs options). */
export const regionFlags = {
  'by-regions': { type: 'boolean', default: false },
} as const;

export const regionHelp = `  --by-regions      read and write each image region by region, never whole (automatic above
                    ${LARGE_IMAGE_PIXELS / 2 ** 20} Mpx): memory is bounded by the tiles, and the mask is NAME.tif, a tiled
                    BigTIFF, equal pixel for pixel to the whole-image result (no extras, no blending)`;

export interface ByRegionsRequest {
  byRegions: boolean;
  overlay: boolean;
  probabilities: boolean;
  instances: boolean;
  blend?: 'none' | 'gaussian';
}

/** Whether `file` goes region by region (asked for, or too large to read whole); refuses what that path does not make. */
export async function goesByRegions(file: string, request: ByRegionsRequest): Promise<boolean> {
  if (!request.byRegions && !(await isLargeImage(file))) return false;
  const extras = (['overlay', 'probabilities', 'instances'] as const).filter((flag) => request[flag]);
  const why = request.byRegions ? '--by-regions' : `it is over ${LARGE_IMAGE_PIXELS / 2 ** 20} Mpx`;
  if (extras.length > 0)
    throw new UsageError(`${file} is segmented region by region (${why}), which makes the mask alone: drop --${extras.join(', --')}`);
  if (request.blend === 'gaussian')
    throw new UsageError(`${file} is segmented region by region (${why}), whose tiles do not blend: drop --blend gaussian`);
  return true;
}

/** unet predict's line for one image segmented region by region into OUT/NAME.tif. */
export async function predictByRegions(
  network: UNet | TileNetwork,
  labels: ModelMetadata,
  file: string,
  out: string,
  options: { outputTileSize?: number; contextMargin?: number; tta: boolean; threshold?: number },
): Promise<string> {
  const started = performance.now();
  const target = largeMaskFile(out, file);
  const { width, height } = await segmentLargeFile(network, labels, file, target, options);
  return `${file}: ${width}x${height} region by region in ${((performance.now() - started) / 1000).toFixed(1)} s -> ${target}`;
}
