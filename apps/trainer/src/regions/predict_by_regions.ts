import type { TileNetwork } from '@unet/inference';
import type { ModelMetadata, UNet } from '@unet/model';
import type { RedrawnLine } from '../progress/redrawn_line.js';
import { formatRowsProgress } from '../progress/rows_progress.js';
import { UsageError } from '../usage_error.js';
import { isLargeImage, LARGE_IMAGE_PIXELS, largeMaskFile, segmentLargeFile } from './segment_large_file.js';

/** The flag of `unet predict` that asks for the region-by-region path (spread into its parseArgs options). */
export const regionFlags = {
  'by-regions': { type: 'boolean', default: false },
} as const;

export const regionHelp = `  --by-regions      read and write each image region by region, never whole (automatic above
                    ${LARGE_IMAGE_PIXELS / 2 ** 20} Mpx): memory is bounded by the tiles, and the mask is NAME.tif, a tiled
                    BigTIFF, equal pixel for pixel to the whole-image result (no extras, no blending);
                    the rows done, pace and time left go to stderr (a line every 30 s in a log)`;

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

/**
 * unet predict's line for one image segmented region by region into OUT/NAME.tif; `progress`
 * shows its rows done after each band of tiles (a 50,000 px square takes an hour here).
 */
export async function predictByRegions(
  network: UNet | TileNetwork,
  labels: ModelMetadata,
  file: string,
  out: string,
  options: { outputTileSize?: number; contextMargin?: number; tta: boolean; threshold?: number },
  progress?: RedrawnLine,
): Promise<string> {
  const started = performance.now();
  const target = largeMaskFile(out, file);
  const onProgress =
    progress === undefined
      ? undefined
      : ({ rowsDone, rows, width }: { rowsDone: number; rows: number; width: number }) => {
          const secondsElapsed = (performance.now() - started) / 1000;
          progress.show(formatRowsProgress({ file, rowsDone, rows, width, secondsElapsed }), secondsElapsed, rowsDone >= rows);
        };
  let size: { width: number; height: number };
  try {
    size = await segmentLargeFile(network, labels, file, target, { ...options, ...(onProgress === undefined ? {} : { onProgress }) });
  } finally {
    progress?.done();
  }
  const { width, height } = size;
  return `${file}: ${width}x${height} region by region in ${((performance.now() - started) / 1000).toFixed(1)} s -> ${target}`;
}
