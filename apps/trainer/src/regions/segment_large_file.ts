import path from 'node:path';
import { asTileNetwork, type TileNetwork } from '@unet/inference';
import type { ModelMetadata, UNet } from '@unet/model';
import { imageSize, openImageRegions } from './image_regions.js';
import { segmentByRegions, type RegionSegmentOptions } from './segment_by_regions.js';
import { createTiledTiffWriter, type TiledTiffWriter } from './tiled_tiff_writer.js';
import { createRowPartWriter } from './row_part_file.js';

/**
 * Above this many pixels (8192 x 8192) an image is segmented region by region and its mask
 * written as a tiled BigTIFF: the whole-image path holds the image, its probabilities and its
 * mask as arrays of 4-byte numbers, about 20 bytes a pixel for two classes (1.3 GiB here).
 */
export const LARGE_IMAGE_PIXELS = 2 ** 26;

/** Whether `file` goes region by region: by its header alone, never its pixels. */
export async function isLargeImage(file: string): Promise<boolean> {
  const { width, height, pages } = await imageSize(file);
  return pages === 1 && width * height > LARGE_IMAGE_PIXELS;
}

/** The mask of a region-by-region image: OUT/NAME.tif. */
export function largeMaskFile(out: string, input: string): string {
  return path.join(out, `${path.parse(input).name}.tif`);
}

/**
 * Segments an image of any size region by region into a tiled BigTIFF mask in the model's
 * label values (8-bit when they fit, else 16-bit), holding one band of tiles at a time.
 */
export async function segmentLargeFile(
  network: UNet | TileNetwork,
  labels: Pick<ModelMetadata, 'labelValues' | 'inferenceTile'>,
  input: string,
  output: string,
  options: RegionSegmentOptions = {},
): Promise<{ width: number; height: number }> {
  const tileNetwork = asTileNetwork(network);
  const { inputChannels, classes } = tileNetwork.geometry;
  const image = await openImageRegions(input, inputChannels as 1 | 3 | 4);
  const values = labels.labelValues;
  const largest = Math.max(classes - 1, ...values);
  const eightBit = largest <= 255;
  // A share of the rows (a queue job's part) goes into a part file, the whole image into the BigTIFF.
  const writer: {
    writeRows(samples: Uint8Array | Uint16Array, top: number, rows: number): Promise<void>;
    close(): Promise<void>;
    abort(): Promise<void>;
  } =
    options.rows === undefined
      ? withTop(await createTiledTiffWriter(output, { width: image.width, height: image.height, bitsPerSample: eightBit ? 8 : 16 }))
      : await createRowPartWriter(output, image.width, eightBit ? 1 : 2);
  try {
    await segmentByRegions(
      tileNetwork,
      image,
      async (band, top, rows) => {
        const samples = eightBit ? new Uint8Array(band.length) : new Uint16Array(band.length);
        for (let index = 0; index < band.length; index++) samples[index] = values[band[index]!] ?? band[index]!;
        await writer.writeRows(samples, top, rows);
      },
      { ...options, outputTileSize: options.outputTileSize ?? labels.inferenceTile },
    );
    await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return { width: image.width, height: image.height };
}

/** The BigTIFF writer takes the rows in order: their top is implied. */
function withTop(writer: TiledTiffWriter) {
  return {
    writeRows: (samples: Uint8Array | Uint16Array, _top: number, rows: number) => writer.writeRows(samples, rows),
    close: () => writer.close(),
    abort: () => writer.abort(),
  };
}
