import { inflateSync, crc32 } from 'node:zlib';
import { CorruptFileError, UnsupportedImageError } from '../errors.js';

/**
 * A PNG decoder of our own, for one reason: sharp (libvips) expands palette PNGs to RGB, and a
 * palette mask's meaning is its *indices* (VOC's SegmentationClass: index 15 is "person", 255 is
 * void), not the colours the palette happens to give them. It reads every PNG kind (the five
 * colour types, bit depths 1-16, Adam7 interlace) so that a mask is never decoded two ways.
 */

/** Decoded PNG samples, row-major `[height, width, channels]`, each sample as stored (no scaling). */
export interface DecodedPng {
  width: number;
  height: number;
  /** 1, 2, 4, 8 or 16. */
  bitDepth: number;
  /** PNG colour type: 0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA. */
  colourType: number;
  /** Samples per pixel: 1 gray or palette index, 2 gray + alpha, 3 RGB, 4 RGBA. */
  channels: number;
  /** `[height, width, channels]`; 16-bit samples in a Uint16Array, the rest (indices too) in a Uint8Array. */
  samples: Uint8Array | Uint16Array;
  /** Palette images only: `[entries, 3]` RGB triples from PLTE. */
  palette?: Uint8Array;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const CHANNELS_OF_COLOUR_TYPE: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const BIT_DEPTHS_OF_COLOUR_TYPE: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
// Adam7 passes: [first column, first row, column step, row step].
const ADAM7_PASSES: readonly (readonly [number, number, number, number])[] = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/** True when `bytes` start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((value, index) => bytes[index] === value);
}

/**
 * Decodes a PNG file's bytes. `file` only names the file in error messages.
 * Throws CorruptFileError for a bad signature, chunk CRC, truncated data or an inconsistent
 * header, and UnsupportedImageError for a colour type / bit depth pair the PNG standard forbids.
 */
export function decodePng(bytes: Uint8Array, file = '<buffer>'): DecodedPng {
  const corrupt = (what: string) =>
    new CorruptFileError(
      `${file}: not a readable PNG (${what}); re-export the file from the tool that made it, or replace it with an intact copy.`,
      file,
    );
  if (!isPng(bytes)) throw corrupt('the PNG signature is missing');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let header: { width: number; height: number; bitDepth: number; colourType: number; interlace: number } | undefined;
  let palette: Uint8Array | undefined;
  const imageData: Uint8Array[] = [];
  let ended = false;
  while (offset < bytes.length && !ended) {
    if (offset + 12 > bytes.length) throw corrupt(`truncated chunk header at byte ${offset}`);
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const dataStart = offset + 8;
    const dataEnd = dataStart + length;
    if (dataEnd + 4 > bytes.length) throw corrupt(`chunk ${type} at byte ${offset} runs past the end of the file (truncated)`);
    const expectedCrc = view.getUint32(dataEnd);
    if (crc32(bytes.subarray(offset + 4, dataEnd)) >>> 0 !== expectedCrc)
      throw corrupt(`chunk ${type} at byte ${offset} fails its CRC check`);
    const data = bytes.subarray(dataStart, dataEnd);
    switch (type) {
      case 'IHDR':
        if (length !== 13) throw corrupt(`IHDR has ${length} bytes, not 13`);
        header = {
          width: view.getUint32(dataStart),
          height: view.getUint32(dataStart + 4),
          bitDepth: data[8]!,
          colourType: data[9]!,
          interlace: data[12]!,
        };
        break;
      case 'PLTE':
        if (length % 3 !== 0 || length === 0) throw corrupt(`PLTE has ${length} bytes, not a multiple of 3`);
        palette = data.slice();
        break;
      case 'IDAT':
        imageData.push(data);
        break;
      case 'IEND':
        ended = true;
        break;
      default:
        // Ancillary chunks (gamma, text, tRNS, ...) do not change the stored samples.
        break;
    }
    offset = dataEnd + 4;
  }
  if (!header) throw corrupt('no IHDR chunk');
  if (!ended) throw corrupt('no IEND chunk (truncated)');
  const { width, height, bitDepth, colourType, interlace } = header;
  const channels = CHANNELS_OF_COLOUR_TYPE[colourType];
  if (channels === undefined || !BIT_DEPTHS_OF_COLOUR_TYPE[colourType]!.includes(bitDepth)) {
    throw new UnsupportedImageError(
      `${file}: PNG colour type ${colourType} with bit depth ${bitDepth} is not valid PNG; re-save the file as 8-bit gray, RGB or palette PNG.`,
      file,
    );
  }
  if (width === 0 || height === 0) throw corrupt(`IHDR gives a size of ${width}x${height}`);
  if (interlace > 1) throw corrupt(`unknown interlace method ${interlace}`);
  if (colourType === 3 && !palette) throw corrupt('a palette image without a PLTE chunk');
  if (imageData.length === 0) throw corrupt('no IDAT chunk');

  let inflated: Uint8Array;
  try {
    inflated = inflateSync(Buffer.concat(imageData));
  } catch (error) {
    throw corrupt(`the compressed image data does not inflate: ${(error as Error).message}`);
  }

  const bitsPerPixel = channels * bitDepth;
  // The filters work on whole bytes: the byte "to the left" is one pixel back, or one byte back below 8 bits per pixel.
  const filterStride = Math.max(1, bitsPerPixel >> 3);
  const samples = bitDepth === 16 ? new Uint16Array(width * height * channels) : new Uint8Array(width * height * channels);
  const passes = interlace === 1 ? ADAM7_PASSES : ([[0, 0, 1, 1]] as const);
  let position = 0;
  for (const [columnStart, rowStart, columnStep, rowStep] of passes) {
    const passWidth = Math.ceil((width - columnStart) / columnStep);
    const passHeight = Math.ceil((height - rowStart) / rowStep);
    if (passWidth <= 0 || passHeight <= 0) continue;
    const rowBytes = Math.ceil((passWidth * bitsPerPixel) / 8);
    let previous = new Uint8Array(rowBytes);
    for (let passRow = 0; passRow < passHeight; passRow++) {
      if (position + 1 + rowBytes > inflated.length) throw corrupt(`the image data ends early, at row ${passRow} (truncated)`);
      const filter = inflated[position]!;
      const row = inflated.slice(position + 1, position + 1 + rowBytes);
      position += 1 + rowBytes;
      unfilterRow(filter, row, previous, filterStride, corrupt);
      const y = rowStart + passRow * rowStep;
      if (columnStep === 1 && bitDepth === 8) {
        // The common case (non-interlaced, 8-bit): the unfiltered row is the samples.
        samples.set(row, y * width * channels);
        previous = row;
        continue;
      }
      for (let passColumn = 0; passColumn < passWidth; passColumn++) {
        const x = columnStart + passColumn * columnStep;
        const target = (y * width + x) * channels;
        for (let channel = 0; channel < channels; channel++) {
          samples[target + channel] = readSample(row, passColumn * channels + channel, bitDepth);
        }
      }
      previous = row;
    }
  }
  if (colourType === 3) {
    const entries = palette!.length / 3;
    for (let index = 0; index < samples.length; index++) {
      if (samples[index]! >= entries)
        throw corrupt(`pixel ${index} uses palette index ${samples[index]}, but PLTE has only ${entries} entries`);
    }
  }
  return { width, height, bitDepth, colourType, channels, samples, ...(palette && colourType === 3 ? { palette } : {}) };
}

/** The `index`-th sample of an unfiltered row, MSB first below 8 bits, big-endian at 16. */
function readSample(row: Uint8Array, index: number, bitDepth: number): number {
  if (bitDepth === 8) return row[index]!;
  if (bitDepth === 16) return (row[2 * index]! << 8) | row[2 * index + 1]!;
  const bitOffset = index * bitDepth;
  const byte = row[bitOffset >> 3]!;
  const shift = 8 - bitDepth - (bitOffset & 7);
  return (byte >> shift) & ((1 << bitDepth) - 1);
}

/** Undoes one of the five PNG filters in place (None, Sub, Up, Average, Paeth). */
function unfilterRow(filter: number, row: Uint8Array, previous: Uint8Array, stride: number, corrupt: (what: string) => Error): void {
  const length = row.length;
  switch (filter) {
    case 0:
      return;
    case 1:
      for (let i = stride; i < length; i++) row[i] = (row[i]! + row[i - stride]!) & 255;
      return;
    case 2:
      for (let i = 0; i < length; i++) row[i] = (row[i]! + previous[i]!) & 255;
      return;
    case 3:
      for (let i = 0; i < length; i++) {
        const left = i >= stride ? row[i - stride]! : 0;
        row[i] = (row[i]! + ((left + previous[i]!) >> 1)) & 255;
      }
      return;
    case 4:
      for (let i = 0; i < length; i++) {
        const left = i >= stride ? row[i - stride]! : 0;
        const upLeft = i >= stride ? previous[i - stride]! : 0;
        row[i] = (row[i]! + paeth(left, previous[i]!, upLeft)) & 255;
      }
      return;
    default:
      throw corrupt(`unknown row filter type ${filter}`);
  }
}

/** The Paeth predictor of the PNG standard: whichever neighbour is nearest to left + up - upLeft. */
function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const toLeft = Math.abs(estimate - left);
  const toUp = Math.abs(estimate - up);
  const toUpLeft = Math.abs(estimate - upLeft);
  if (toLeft <= toUp && toLeft <= toUpLeft) return left;
  if (toUp <= toUpLeft) return up;
  return upLeft;
}
