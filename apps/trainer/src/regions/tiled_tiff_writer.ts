import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { temporaryFileFor } from '@unet/core/node';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

export interface TiledTiffOptions {
  width: number;
  height: number;
  /** 8 or 16 bits per (gray) sample. */
  bitsPerSample: 8 | 16;
  /** Side of the square TIFF tiles, a multiple of 16: 256. */
  tileSize?: number;
}

/** A gray image written row band by row band into a tiled BigTIFF. */
export interface TiledTiffWriter {
  /** The next `rows` rows of the image, top to bottom // [rows, width], row-major. */
  writeRows(samples: Uint8Array | Uint16Array, rows: number): Promise<void>;
  /** Writes the directory and moves the file to its name; the file is complete from then on. */
  close(): Promise<void>;
  /** Removes the partial file (on an error). */
  abort(): Promise<void>;
}

export class TiledTiffError extends Error {
  override readonly name = 'TiledTiffError';
}

// TIFF 6 and BigTIFF (the 8-byte offsets that files past 4 GiB need) field types and tags.
const SHORT = 3;
const LONG = 4;
const LONG8 = 16;
const tags = {
  imageWidth: 256,
  imageLength: 257,
  bitsPerSample: 258,
  compression: 259,
  photometric: 262,
  samplesPerPixel: 277,
  planarConfiguration: 284,
  tileWidth: 322,
  tileLength: 323,
  tileOffsets: 324,
  tileByteCounts: 325,
  sampleFormat: 339,
};
/** Adobe deflate: masks are mostly runs, so a 50,000 x 50,000 mask shrinks from 2.5 GB to megabytes. */
const DEFLATE = 8;

/**
 * A tiled BigTIFF of one gray channel, written as rows arrive: only one row of tiles is held
 * in memory, whatever the image's height, which sharp's TIFF output cannot do from JavaScript
 * (it takes the whole image as one buffer). Tiles are deflated one at a time and appended; the
 * directory, which names where each tile lies, goes last. libtiff and so sharp/libvips read it.
 * The file is written under a temporary name and renamed when complete.
 */
export async function createTiledTiffWriter(file: string, options: TiledTiffOptions): Promise<TiledTiffWriter> {
  const { width, height, bitsPerSample } = options;
  const tileSize = options.tileSize ?? 256;
  for (const [name, value] of Object.entries({ width, height })) {
    if (!Number.isInteger(value) || value < 1) throw new TiledTiffError(`${file}: ${name} ${value} is not a size; pass whole pixels >= 1`);
  }
  if (!Number.isInteger(tileSize) || tileSize < 16 || tileSize % 16 !== 0)
    throw new TiledTiffError(`${file}: tile size ${tileSize} must be a multiple of 16 (TIFF's rule)`);
  if (bitsPerSample !== 8 && bitsPerSample !== 16) throw new TiledTiffError(`${file}: ${bitsPerSample} bits per sample; write 8 or 16`);
  const bytesPerSample = bitsPerSample / 8;
  const tilesAcross = Math.ceil(width / tileSize);
  const tilesDown = Math.ceil(height / tileSize);
  const offsets: bigint[] = [];
  const byteCounts: bigint[] = [];
  // A row of tiles being filled // [tileSize, width] samples, as little-endian bytes.
  const band = new Uint8Array(tileSize * width * bytesPerSample);
  let bandRows = 0;
  let rowsWritten = 0;
  let position = 16;

  await mkdir(path.dirname(file), { recursive: true });
  const temporary = temporaryFileFor(file);
  const handle: FileHandle = await open(temporary, 'w');
  const append = async (bytes: Uint8Array) => {
    await handle.write(bytes, 0, bytes.length, position);
    position += bytes.length;
  };

  const flushBand = async () => {
    const tile = new Uint8Array(tileSize * tileSize * bytesPerSample);
    const rowBytes = tileSize * bytesPerSample;
    for (let across = 0; across < tilesAcross; across++) {
      // Edge tiles are full tiles (TIFF's rule) padded with zeros.
      tile.fill(0);
      const columns = Math.min(tileSize, width - across * tileSize) * bytesPerSample;
      for (let row = 0; row < bandRows; row++) {
        const start = (row * width + across * tileSize) * bytesPerSample;
        tile.set(band.subarray(start, start + columns), row * rowBytes);
      }
      const compressed = deflateSync(tile);
      offsets.push(BigInt(position));
      byteCounts.push(BigInt(compressed.length));
      await append(compressed);
    }
    bandRows = 0;
  };

  return {
    async writeRows(samples, rows) {
      if (samples.length !== rows * width) throw new TiledTiffError(`${file}: ${samples.length} samples are not ${rows} rows of ${width}`);
      if (rowsWritten + rows > height) throw new TiledTiffError(`${file}: ${rowsWritten + rows} rows written to an image of ${height}`);
      const bytes = bitsPerSample === 8 ? (samples as Uint8Array) : littleEndian16(samples as Uint16Array);
      const rowBytes = width * bytesPerSample;
      for (let row = 0; row < rows; row++) {
        band.set(bytes.subarray(row * rowBytes, (row + 1) * rowBytes), bandRows * rowBytes);
        bandRows++;
        rowsWritten++;
        if (bandRows === tileSize) await flushBand();
      }
    },
    async close() {
      if (rowsWritten !== height)
        throw new TiledTiffError(`${file}: ${rowsWritten} of ${height} rows written; write them all before close`);
      if (bandRows > 0) await flushBand();
      if (offsets.length !== tilesAcross * tilesDown)
        throw new TiledTiffError(`${file}: ${offsets.length} tiles written, expected ${tilesAcross * tilesDown}`);
      const offsetsAt = BigInt(position);
      await append(long8Array(offsets));
      const countsAt = BigInt(position);
      await append(long8Array(byteCounts));
      const entries: Array<[tag: number, type: number, count: number, value: bigint]> = [
        [tags.imageWidth, LONG, 1, BigInt(width)],
        [tags.imageLength, LONG, 1, BigInt(height)],
        [tags.bitsPerSample, SHORT, 1, BigInt(bitsPerSample)],
        [tags.compression, SHORT, 1, BigInt(DEFLATE)],
        [tags.photometric, SHORT, 1, 1n], // BlackIsZero
        [tags.samplesPerPixel, SHORT, 1, 1n],
        [tags.planarConfiguration, SHORT, 1, 1n],
        [tags.tileWidth, LONG, 1, BigInt(tileSize)],
        [tags.tileLength, LONG, 1, BigInt(tileSize)],
        // One tile's offset fits in the entry itself; more are stored apart.
        [tags.tileOffsets, LONG8, offsets.length, offsets.length === 1 ? offsets[0]! : offsetsAt],
        [tags.tileByteCounts, LONG8, byteCounts.length, byteCounts.length === 1 ? byteCounts[0]! : countsAt],
        [tags.sampleFormat, SHORT, 1, 1n], // unsigned integers
      ];
      const directory = Buffer.alloc(8 + entries.length * 20 + 8);
      directory.writeBigUInt64LE(BigInt(entries.length), 0);
      for (const [index, [tag, type, count, value]] of entries.entries()) {
        const at = 8 + index * 20;
        directory.writeUInt16LE(tag, at);
        directory.writeUInt16LE(type, at + 2);
        directory.writeBigUInt64LE(BigInt(count), at + 4);
        if (type === SHORT) directory.writeUInt16LE(Number(value), at + 12);
        else if (type === LONG) directory.writeUInt32LE(Number(value), at + 12);
        else directory.writeBigUInt64LE(value, at + 12);
      }
      const directoryAt = BigInt(position);
      await append(directory);
      const header = Buffer.alloc(16);
      header.write('II', 0, 'latin1');
      header.writeUInt16LE(43, 2); // BigTIFF
      header.writeUInt16LE(8, 4); // bytes per offset
      header.writeUInt16LE(0, 6);
      header.writeBigUInt64LE(directoryAt, 8);
      await handle.write(header, 0, 16, 0);
      await handle.close();
      await rename(temporary, file);
    },
    async abort() {
      await handle.close().catch(() => undefined);
      await rm(temporary, { force: true });
    },
  };
}

function long8Array(values: readonly bigint[]): Buffer {
  const bytes = Buffer.alloc(values.length * 8);
  for (const [index, value] of values.entries()) bytes.writeBigUInt64LE(value, index * 8);
  return bytes;
}

function littleEndian16(samples: Uint16Array): Uint8Array {
  const bytes = Buffer.alloc(samples.length * 2);
  for (let index = 0; index < samples.length; index++) bytes.writeUInt16LE(samples[index]!, index * 2);
  return bytes;
}
