import sharp from 'sharp';
import { UnsupportedImageError } from '../errors.js';
import type { LabelArray } from '@unet/core';
import { asUint16, headerOf, readBytes, wrapReadError } from './image.js';
import { decodePng, isPng } from './png_decode.js';

/**
 * Reading masks and instance labels: integer values exactly as stored, never scaled. PNGs go
 * through our own decoder (palette PNGs give their indices, 1/2/4-bit PNGs their stored values,
 * 16-bit values exact); TIFFs and the rest through sharp (1-bit TIFFs come out as 0/255 there).
 * JPEG is refused: its lossy compression invents values along every edge of a mask.
 */

/** A label image and how its values were stored. */
export interface LabelImage extends LabelArray {
  /**
   * 'gray': one channel (or RGB with equal channels), values as stored; 'palette': palette
   * indices; 'colour': RGB colours packed as `red * 65536 + green * 256 + blue` (0xRRGGBB).
   */
  kind: 'gray' | 'palette' | 'colour';
  /** Bits per stored sample: 1, 2, 4, 8 or 16. */
  bitDepth: number;
  /** Palette images: `[entries, 3]` RGB triples. */
  palette?: Uint8Array;
}

export interface ReadLabelImageOptions {
  /** Page of a multi-page TIFF (0-based); defaults to 0. */
  page?: number;
}

/** Reads a mask or instance label image as Int32 `[height, width]`. Alpha, where present, is ignored. */
export async function readLabelImage(file: string, options: ReadLabelImageOptions = {}): Promise<LabelImage> {
  const page = options.page ?? 0;
  const bytes = await readBytes(file);
  if (isPng(bytes) && page === 0) {
    const png = decodePng(bytes, file);
    const colour = png.colourType === 2 || png.colourType === 6;
    const labels = fromSamples(file, png.samples, png.width, png.height, png.channels, colour ? 3 : 1, png.bitDepth);
    return { ...labels, ...(png.palette ? { kind: 'palette' as const, palette: png.palette } : {}) };
  }
  const header = await headerOf(bytes, file, page);
  if (header.format === 'jpeg') {
    throw new UnsupportedImageError(
      `${file}: masks must be stored losslessly (PNG or TIFF); JPEG compression changes label values along every edge. Export the mask again as PNG.`,
      file,
    );
  }
  const sixteen = header.bitDepth === 16;
  try {
    let pipeline = sharp(bytes, { page }).removeAlpha();
    if (header.channels === 1) pipeline = pipeline.toColourspace(sixteen ? 'grey16' : 'b-w');
    else pipeline = pipeline.toColourspace(sixteen ? 'rgb16' : 'srgb');
    const { data, info } = await pipeline.raw({ depth: sixteen ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
    const samples = sixteen ? asUint16(data) : data;
    return fromSamples(file, samples, info.width, info.height, info.channels, header.channels, header.bitDepth);
  } catch (error) {
    throw wrapReadError(error, file);
  }
}

/**
 * Turns interleaved samples into labels: the first channel of gray (+ alpha) images; for RGB(A),
 * the gray value when every pixel has equal channels (masks saved as RGB by image editors),
 * otherwise the packed colour.
 */
function fromSamples(
  file: string,
  samples: ArrayLike<number>,
  width: number,
  height: number,
  stride: number,
  colourChannels: 1 | 3,
  bitDepth: number,
): LabelImage {
  const size = width * height;
  const data = new Int32Array(size);
  if (colourChannels === 1) {
    for (let index = 0; index < size; index++) data[index] = samples[index * stride]!;
    return { data, height, width, kind: 'gray', bitDepth };
  }
  let gray = true;
  for (let index = 0; index < size && gray; index++) {
    const red = samples[index * stride]!;
    gray = red === samples[index * stride + 1] && red === samples[index * stride + 2];
  }
  if (gray) {
    for (let index = 0; index < size; index++) data[index] = samples[index * stride]!;
    return { data, height, width, kind: 'gray', bitDepth };
  }
  if (bitDepth === 16) {
    throw new UnsupportedImageError(
      `${file}: a 16-bit colour mask cannot be read as labels; save class masks as 8-bit gray, palette or RGB PNG.`,
      file,
    );
  }
  for (let index = 0; index < size; index++) {
    const at = index * stride;
    data[index] = (samples[at]! << 16) | (samples[at + 1]! << 8) | samples[at + 2]!;
  }
  return { data, height, width, kind: 'colour', bitDepth };
}
