import type { DecodedImage } from './decoded_image.js';
import { ImageDecodeError } from './decode_error.js';
import { decodeLzw } from './lzw.js';

/**
 * A small TIFF reader for what microscopes and ImageJ write: the first page of a strip TIFF,
 * uncompressed, LZW or deflate (with or without the horizontal predictor), 8- or 16-bit
 * unsigned gray or RGB, chunky (interleaved) samples, either byte order. Browsers decode PNG
 * and JPEG themselves but not TIFF, and a 16-bit TIFF must keep its 16 bits.
 */

const TAG = {
  width: 256,
  height: 257,
  bitsPerSample: 258,
  compression: 259,
  photometric: 262,
  stripOffsets: 273,
  samplesPerPixel: 277,
  rowsPerStrip: 278,
  stripByteCounts: 279,
  planarConfiguration: 284,
  predictor: 317,
  tileWidth: 322,
  extraSamples: 338,
  sampleFormat: 339,
} as const;

const COMPRESSION_NAMES: Record<number, string> = {
  1: 'none',
  5: 'LZW',
  8: 'deflate',
  32946: 'deflate',
  7: 'JPEG',
  32773: 'PackBits',
};

/** Whether the bytes start like a TIFF file ('II*\0' or 'MM\0*'). */
export function isTiff(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    ((bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 42 && bytes[3] === 0) ||
      (bytes[0] === 0x4d && bytes[1] === 0x4d && bytes[2] === 0 && bytes[3] === 42))
  );
}

/** zlib-wrapped deflate through the platform's DecompressionStream (browsers and Node 18+). */
async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Reads the first page of a TIFF file. */
export async function decodeTiff(bytes: Uint8Array, file = 'the TIFF file'): Promise<DecodedImage> {
  if (!isTiff(bytes)) throw new ImageDecodeError(`${file}: not a TIFF file (no 'II*' or 'MM*' header)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = bytes[0] === 0x49;
  const corrupt = (what: string) => new ImageDecodeError(`${file}: ${what}; the file is truncated or corrupt`);
  const u16 = (offset: number) => {
    if (offset + 2 > bytes.length) throw corrupt(`offset ${offset} is past the end`);
    return view.getUint16(offset, little);
  };
  const u32 = (offset: number) => {
    if (offset + 4 > bytes.length) throw corrupt(`offset ${offset} is past the end`);
    return view.getUint32(offset, little);
  };

  // The first image file directory: 12-byte entries of (tag, type, count, value or offset).
  const directory = u32(4);
  const entries = new Map<number, number[]>();
  const entryCount = u16(directory);
  for (let index = 0; index < entryCount; index++) {
    const entry = directory + 2 + index * 12;
    const tag = u16(entry);
    const type = u16(entry + 2);
    const count = u32(entry + 4);
    // SHORT (3) and LONG (4) are what the tags read here use; BYTE (1) appears in some writers.
    const size = type === 3 ? 2 : type === 4 ? 4 : type === 1 ? 1 : 0;
    if (size === 0) continue;
    const inline = size * count <= 4;
    const start = inline ? entry + 8 : u32(entry + 8);
    const values: number[] = [];
    for (let value = 0; value < count; value++) {
      const offset = start + value * size;
      values.push(size === 2 ? u16(offset) : size === 4 ? u32(offset) : bytes[offset]);
    }
    entries.set(tag, values);
  }
  const one = (tag: number, fallback?: number): number => {
    const value = entries.get(tag)?.[0] ?? fallback;
    if (value === undefined) throw corrupt(`tag ${tag} is missing`);
    return value;
  };

  const width = one(TAG.width);
  const height = one(TAG.height);
  const samplesPerPixel = one(TAG.samplesPerPixel, 1);
  const bitsPerSample = entries.get(TAG.bitsPerSample) ?? [1];
  const bits = bitsPerSample[0];
  const compression = one(TAG.compression, 1);
  const photometric = one(TAG.photometric, 1);
  const predictor = one(TAG.predictor, 1);
  const sampleFormat = one(TAG.sampleFormat, 1);
  const convert = 'convert it to an 8- or 16-bit gray or RGB TIFF or PNG (e.g. in Fiji: Image > Type, then File > Save As > Tiff)';
  if (entries.has(TAG.tileWidth)) throw new ImageDecodeError(`${file}: tiled TIFFs are not supported; ${convert}`);
  if (one(TAG.planarConfiguration, 1) !== 1) {
    throw new ImageDecodeError(`${file}: planar (channel-by-channel) TIFFs are not supported; ${convert}`);
  }
  if ((bits !== 8 && bits !== 16) || bitsPerSample.some((value) => value !== bits) || sampleFormat !== 1) {
    throw new ImageDecodeError(
      `${file}: samples of ${bitsPerSample.join('/')} bits (format ${sampleFormat}) are not supported, only 8- and 16-bit unsigned integers; ${convert}`,
    );
  }
  // Gray (0 WhiteIsZero, 1 BlackIsZero) or RGB (2), each possibly with extra samples (alpha).
  const colourSamples = photometric === 2 ? 3 : photometric <= 1 ? 1 : 0;
  if (colourSamples === 0 || samplesPerPixel < colourSamples) {
    throw new ImageDecodeError(`${file}: photometric interpretation ${photometric} (palette, CMYK, ...) is not supported; ${convert}`);
  }
  if (!(compression in COMPRESSION_NAMES) || compression === 7 || compression === 32773) {
    throw new ImageDecodeError(
      `${file}: ${COMPRESSION_NAMES[compression] ?? `compression ${compression}`} is not supported (only none, LZW and deflate); ${convert}`,
    );
  }
  if (predictor !== 1 && predictor !== 2) {
    throw new ImageDecodeError(`${file}: predictor ${predictor} (floating point) is not supported; ${convert}`);
  }

  const bytesPerSample = bits / 8;
  const rowBytes = width * samplesPerPixel * bytesPerSample;
  const rowsPerStrip = Math.min(one(TAG.rowsPerStrip, height), height);
  const offsets = entries.get(TAG.stripOffsets) ?? [];
  const counts = entries.get(TAG.stripByteCounts) ?? [];
  const stripCount = Math.ceil(height / rowsPerStrip);
  if (offsets.length < stripCount || counts.length < stripCount) {
    throw corrupt(`it lists ${offsets.length} strips where ${height} rows of ${rowsPerStrip} need ${stripCount}`);
  }

  const raw = new Uint8Array(rowBytes * height);
  for (let strip = 0; strip < stripCount; strip++) {
    const rows = Math.min(rowsPerStrip, height - strip * rowsPerStrip);
    const expected = rows * rowBytes;
    const start = offsets[strip];
    if (start + counts[strip] > bytes.length) throw corrupt(`strip ${strip} reaches past the end of the file`);
    const stored = bytes.subarray(start, start + counts[strip]);
    let decoded: Uint8Array;
    if (compression === 1) decoded = stored;
    else if (compression === 5) decoded = decodeLzw(stored, expected, file);
    else decoded = await inflate(stored);
    if (decoded.length < expected) throw corrupt(`strip ${strip} holds ${decoded.length} bytes, not ${expected}`);
    raw.set(decoded.subarray(0, expected), strip * rowsPerStrip * rowBytes);
  }

  // Samples as integers, in the file's byte order; the predictor stores each sample as the
  // difference from the same channel of the pixel before it in the row.
  const samples = new Uint16Array(width * height * samplesPerPixel);
  const rawView = new DataView(raw.buffer);
  for (let index = 0; index < samples.length; index++) {
    samples[index] = bits === 8 ? raw[index] : rawView.getUint16(index * 2, little);
  }
  if (predictor === 2) {
    const modulus = bits === 8 ? 0xff : 0xffff;
    for (let row = 0; row < height; row++) {
      const rowStart = row * width * samplesPerPixel;
      for (let index = samplesPerPixel; index < width * samplesPerPixel; index++) {
        samples[rowStart + index] = (samples[rowStart + index] + samples[rowStart + index - samplesPerPixel]) & modulus;
      }
    }
  }

  const maximum = bits === 8 ? 255 : 65535;
  const channels = colourSamples as 1 | 3;
  const data = new Float32Array(width * height * channels);
  for (let pixel = 0; pixel < width * height; pixel++) {
    for (let channel = 0; channel < channels; channel++) {
      const value = samples[pixel * samplesPerPixel + channel] / maximum;
      data[pixel * channels + channel] = photometric === 0 ? 1 - value : value;
    }
  }
  return { data, height, width, channels, bitDepth: bits as 8 | 16 };
}
