import sharp from 'sharp';
import { CorruptFileError, MissingFileError } from '@unet/data';
import { existsSync } from 'node:fs';

/** 16-bit samples of a raw buffer in the machine's byte order, copied when unaligned. */
function asUint16(data: Buffer): Uint16Array {
  if (data.byteOffset % 2 === 0) return new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
  return new Uint16Array(Uint8Array.from(data).buffer);
}

/** An image read a band of rows at a time, never whole. */
export interface ImageRegions {
  file: string;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  /** Rows `top` .. `top + rows - 1`, in [0, 1] like readImage // [rows, width, channels] float32 */
  readRows(top: number, rows: number): Promise<Float32Array>;
}

/**
 * The size of an image from its header alone (sharp reads a few kilobytes, not the pixels), and
 * whether its samples have 16 bits (else 8).
 */
export async function imageSize(file: string): Promise<{ width: number; height: number; pages: number; sixteenBit: boolean }> {
  if (!existsSync(file)) throw new MissingFileError(`${file}: no such file`, file);
  try {
    const metadata = await sharp(file, { limitInputPixels: false }).metadata();
    return {
      width: metadata.width ?? 0,
      height: metadata.height ?? 0,
      pages: metadata.pages ?? 1,
      sixteenBit: metadata.depth === 'ushort',
    };
  } catch (error) {
    throw new CorruptFileError(
      `${file}: cannot be decoded (${error instanceof Error ? error.message : String(error)}); the file is truncated, corrupt or not an image`,
      file,
    );
  }
}

/**
 * Opens an image for reading by bands through sharp/libvips, which decodes only the tiles of a
 * tiled TIFF (or BigTIFF) a band touches, and streams PNG and JPEG from the top. The pixels are
 * converted as readImage converts them (gray to luminance, 16-bit divided by 65535), per pixel,
 * so that a band equals the same rows of the whole image read at once.
 */
export async function openImageRegions(file: string, channels: 1 | 3 | 4): Promise<ImageRegions> {
  const { width, height, sixteenBit: sixteen } = await imageSize(file);
  // libvips keeps decoded tiles in a cache shared by the process; bands are read once each, so caching them only costs memory.
  sharp.cache(false);
  return {
    file,
    width,
    height,
    channels,
    async readRows(top, rows) {
      let pipeline = sharp(file, { limitInputPixels: false }).extract({ left: 0, top, width, height: rows });
      if (channels === 1) pipeline = pipeline.removeAlpha().toColourspace(sixteen ? 'grey16' : 'b-w');
      else if (channels === 3) pipeline = pipeline.removeAlpha().toColourspace(sixteen ? 'rgb16' : 'srgb');
      else pipeline = pipeline.ensureAlpha().toColourspace(sixteen ? 'rgb16' : 'srgb');
      let data: Buffer;
      try {
        ({ data } = await pipeline.raw({ depth: sixteen ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true }));
      } catch (error) {
        throw new CorruptFileError(
          `${file}: rows ${top}..${top + rows - 1} cannot be decoded (${error instanceof Error ? error.message : String(error)})`,
          file,
        );
      }
      const samples = sixteen ? asUint16(data) : data;
      if (samples.length !== rows * width * channels)
        throw new CorruptFileError(
          `${file}: rows ${top}..${top + rows - 1} gave ${samples.length} samples, not ${rows * width * channels}`,
          file,
        );
      const scale = 1 / (sixteen ? 65535 : 255);
      const out = new Float32Array(samples.length);
      for (let index = 0; index < samples.length; index++) out[index] = samples[index]! * scale;
      return out;
    },
  };
}
