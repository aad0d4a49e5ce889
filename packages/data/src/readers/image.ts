import { readFile } from 'node:fs/promises';
import type { Metadata } from 'sharp';
import { loadSharp } from './load_sharp.js';
import { CorruptFileError, DatasetError, MissingFileError, UnsupportedImageError } from '../errors.js';
import type { ImageArray } from '@unet/core';

/**
 * Reading images with sharp (libvips): PNG, JPEG, TIFF (8/16-bit, LZW/deflate, multi-page),
 * WebP, GIF. Pixels become float32 in [0, 1], divided by the maximum of the stored bit depth
 * (255 for 8-bit, 65535 for 16-bit): a 12-bit camera image saved as 16-bit therefore spans
 * [0, 1/16]; the network's first convolution and batch norm absorb such a scale.
 */

/** What a file holds, from its header alone. */
export interface ImageHeader {
  file: string;
  /** sharp's name of the format: 'png', 'jpeg', 'tiff', ... */
  format: string;
  width: number;
  height: number;
  /** Colour channels without alpha: 1 gray, 3 colour (palette images count as colour). */
  channels: 1 | 3;
  hasAlpha: boolean;
  /** Bits per stored sample as sharp delivers them: 8 (also for 1-, 2-, 4-bit files) or 16. */
  bitDepth: 8 | 16;
  /** Pages of a multi-page TIFF (a stack); 1 for everything else. */
  pages: number;
  isPalette: boolean;
}

export interface ReadImageOptions {
  /** Page of a multi-page file (0-based); defaults to 0. */
  page?: number;
  /**
   * Channels of the result: 1 (colour becomes luminance), 3 (gray is repeated), 4 (RGBA; opaque
   * alpha added where missing). Defaults to the file's colour channels, alpha dropped: alpha is
   * transparency, not a measurement.
   */
  channels?: 1 | 3 | 4;
}

/** Turns sharp's and the file system's failures into typed errors that name the file. */
export function wrapReadError(error: unknown, file: string): DatasetError {
  if (error instanceof DatasetError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new MissingFileError(`${file}: no such file; check the data set's root and layout.`, file);
  if (code === 'EISDIR') return new MissingFileError(`${file}: is a folder, not an image file.`, file);
  const message = error instanceof Error ? error.message.trim() : String(error);
  return new CorruptFileError(
    `${file}: cannot be decoded (${message}); the file is truncated, corrupt or not an image: replace it with an intact copy or remove it from the data set.`,
    file,
  );
}

function bitDepthOf(file: string, depth: string | undefined): 8 | 16 {
  if (depth === 'uchar') return 8;
  if (depth === 'ushort') return 16;
  throw new UnsupportedImageError(
    `${file}: samples of type '${depth}' are not supported (only 8- and 16-bit unsigned integers); convert the file, e.g. to 16-bit TIFF or PNG, scaling its values yourself.`,
    file,
  );
}

/** Reads the header of `file` (page `page` of a stack): size, channels, bit depth, page count. */
export async function readImageHeader(file: string, page = 0): Promise<ImageHeader> {
  return headerOf(await readBytes(file), file, page);
}

/** The bytes of `file`, with a typed error when it is missing. */
export async function readBytes(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw wrapReadError(error, file);
  }
}

/** The header of an image already in memory; `file` names it in errors. */
export async function headerOf(bytes: Buffer, file: string, page = 0): Promise<ImageHeader> {
  let metadata: Metadata;
  try {
    metadata = await (await loadSharp())(bytes).metadata();
  } catch (error) {
    throw wrapReadError(error, file);
  }
  const pages = metadata.pages ?? 1;
  checkPage(file, page, pages);
  if (page > 0) {
    try {
      metadata = await (await loadSharp())(bytes, { page }).metadata();
    } catch (error) {
      throw wrapReadError(error, file);
    }
  }
  const bands = metadata.channels ?? 0;
  const hasAlpha = metadata.hasAlpha ?? false;
  const colourBands = hasAlpha ? bands - 1 : bands;
  return {
    file,
    format: metadata.format ?? 'unknown',
    width: metadata.width ?? 0,
    height: metadata.height ?? 0,
    channels: colourBands === 1 ? 1 : 3,
    hasAlpha,
    bitDepth: bitDepthOf(file, metadata.depth),
    pages,
    isPalette: metadata.isPalette ?? false,
  };
}

function checkPage(file: string, page: number, pages: number): void {
  if (!Number.isInteger(page) || page < 0 || page >= pages) {
    throw new DatasetError(`${file}: page ${page} does not exist; the file has ${pages} page(s), numbered 0..${pages - 1}.`, file);
  }
}

/**
 * Reads an image as float32 `[height, width, channels]` in [0, 1] (divided by 255 or 65535).
 * Palette images come out as their colours.
 */
export async function readImage(file: string, options: ReadImageOptions = {}): Promise<ImageArray> {
  const page = options.page ?? 0;
  const bytes = await readBytes(file);
  const header = await headerOf(bytes, file, page);
  const channels = options.channels ?? header.channels;
  const sixteen = header.bitDepth === 16;
  try {
    let pipeline = (await loadSharp())(bytes, { page });
    if (channels === 1) pipeline = pipeline.removeAlpha().toColourspace(sixteen ? 'grey16' : 'b-w');
    else if (channels === 3) pipeline = pipeline.removeAlpha().toColourspace(sixteen ? 'rgb16' : 'srgb');
    else pipeline = pipeline.ensureAlpha().toColourspace(sixteen ? 'rgb16' : 'srgb');
    const { data, info } = await pipeline.raw({ depth: sixteen ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== channels) {
      throw new UnsupportedImageError(
        `${file}: asked for ${channels} channels, sharp gave ${info.channels}; re-save the image as 8-bit gray or RGB.`,
        file,
      );
    }
    const samples = sixteen ? asUint16(data) : data;
    const scale = 1 / (sixteen ? 65535 : 255);
    const out = new Float32Array(samples.length);
    for (let index = 0; index < samples.length; index++) out[index] = samples[index]! * scale;
    return { data: out, height: info.height, width: info.width, channels };
  } catch (error) {
    throw wrapReadError(error, file);
  }
}

/** Number of pages of `file`: the slices of a TIFF stack, 1 for a single image. */
export async function readPageCount(file: string): Promise<number> {
  return (await readImageHeader(file)).pages;
}

/** 16-bit samples of a raw buffer in the machine's byte order (sharp writes native order), copied when unaligned. */
export function asUint16(data: Buffer): Uint16Array {
  if (data.byteOffset % 2 === 0) return new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
  return new Uint16Array(Uint8Array.from(data).buffer);
}
