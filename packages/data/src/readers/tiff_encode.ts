/**
 * Multi-page gray TIFF files (baseline TIFF 6.0, little-endian, uncompressed strips): how
 * `unet predict` writes the masks of a stack, one page per slice, as the ISBI 2012 challenge and
 * Fiji keep stacks. 8-bit when every value fits, else 16-bit (instance labels). Uncompressed, so
 * that every reader opens it; masks are small next to their images anyway.
 */

export interface TiffPage {
  width: number;
  height: number;
  /** `[height, width]` integer values in [0, 2^bitDepth) */
  data: ArrayLike<number>;
}

export class TiffEncodeError extends Error {
  override readonly name = 'TiffEncodeError';
}

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
  sampleFormat: 339,
} as const;
const SHORT = 3;
const LONG = 4;

export function encodeTiffStack(pages: readonly TiffPage[], bitDepth?: 8 | 16): Buffer {
  if (pages.length === 0) throw new TiffEncodeError('tiff_encode.ts: no pages to write; pass at least one');
  let largest = 0;
  for (const [index, page] of pages.entries()) {
    if (page.data.length !== page.width * page.height) {
      throw new TiffEncodeError(`tiff_encode.ts: page ${index} has ${page.data.length} values, not ${page.width} x ${page.height}`);
    }
    for (let pixel = 0; pixel < page.data.length; pixel++) {
      const value = page.data[pixel];
      if (!Number.isInteger(value) || value < 0 || value > 65535) {
        throw new TiffEncodeError(`tiff_encode.ts: page ${index} holds ${value}; a gray TIFF holds whole numbers 0..65535`);
      }
      if (value > largest) largest = value;
    }
  }
  const bits = bitDepth ?? (largest > 255 ? 16 : 8);
  if (bits === 8 && largest > 255) throw new TiffEncodeError(`tiff_encode.ts: value ${largest} does not fit 8 bits; write 16-bit`);
  const bytesPerSample = bits / 8;
  const entries = 11;
  const directorySize = 2 + entries * 12 + 4;
  const sizes = pages.map((page) => page.width * page.height * bytesPerSample);
  const total = 8 + pages.reduce((sum, _, index) => sum + directorySize + sizes[index] + (sizes[index] % 2), 0);
  const buffer = Buffer.alloc(total);
  buffer.write('II', 0, 'latin1');
  buffer.writeUInt16LE(42, 2);
  let offset = 8;
  buffer.writeUInt32LE(offset, 4);
  for (const [index, page] of pages.entries()) {
    const directory = offset;
    const pixels = directory + directorySize;
    const tags: Array<[number, number, number]> = [
      [TAG.width, LONG, page.width],
      [TAG.height, LONG, page.height],
      [TAG.bitsPerSample, SHORT, bits],
      [TAG.compression, SHORT, 1],
      [TAG.photometric, SHORT, 1], // black is zero
      [TAG.stripOffsets, LONG, pixels],
      [TAG.samplesPerPixel, SHORT, 1],
      [TAG.rowsPerStrip, LONG, page.height],
      [TAG.stripByteCounts, LONG, sizes[index]],
      [TAG.planarConfiguration, SHORT, 1],
      [TAG.sampleFormat, SHORT, 1], // unsigned integers
    ];
    buffer.writeUInt16LE(entries, directory);
    tags.forEach(([tag, type, value], entry) => {
      const at = directory + 2 + entry * 12;
      buffer.writeUInt16LE(tag, at);
      buffer.writeUInt16LE(type, at + 2);
      buffer.writeUInt32LE(1, at + 4);
      if (type === SHORT) buffer.writeUInt16LE(value, at + 8);
      else buffer.writeUInt32LE(value, at + 8);
    });
    const next = pixels + sizes[index] + (sizes[index] % 2);
    buffer.writeUInt32LE(index === pages.length - 1 ? 0 : next, directory + 2 + entries * 12);
    for (let pixel = 0; pixel < page.data.length; pixel++) {
      if (bits === 8) buffer[pixels + pixel] = page.data[pixel];
      else buffer.writeUInt16LE(page.data[pixel], pixels + 2 * pixel);
    }
    offset = next;
  }
  return buffer;
}
