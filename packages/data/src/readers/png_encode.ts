import { crc32, deflateSync } from 'node:zlib';
import { DatasetOptionError } from '../errors.js';

/**
 * A small PNG encoder: it writes what sharp cannot write exactly, palette PNGs whose indices are
 * chosen by us (sharp's palette output quantises, so indices move). Predictions go back to the
 * user as VOC-style palette masks this way, and tests make their fixtures with it.
 */

export interface PngPixels {
  width: number;
  height: number;
  /** 1 gray (or palette index), 2 gray + alpha, 3 RGB, 4 RGBA. */
  channels: 1 | 2 | 3 | 4;
  /** 8 or 16 bits per sample; palette images are 8-bit. */
  bitDepth?: 8 | 16;
  /** `[height, width, channels]`, row-major, each sample an integer in [0, 2^bitDepth). */
  data: ArrayLike<number>;
  /** `[entries, 3]` RGB triples (at most 256 entries): writes a palette PNG whose indices are `data`. */
  palette?: ArrayLike<number>;
  /**
   * The row filter: 0 None ... 4 Paeth, or 'cycle' to use all five in turn (tests use it to
   * exercise every filter of a decoder). Defaults to 0: masks compress well without one.
   */
  filter?: 0 | 1 | 2 | 3 | 4 | 'cycle';
}

const COLOUR_TYPE_OF_CHANNELS = { 1: 0, 2: 4, 3: 2, 4: 6 } as const;

/** Encodes pixels as a non-interlaced PNG. */
export function encodePng(pixels: PngPixels): Buffer {
  const { width, height, channels, data, palette } = pixels;
  const bitDepth = pixels.bitDepth ?? 8;
  const filterOption = pixels.filter ?? 0;
  const fail = (message: string) => new DatasetOptionError(`png_encode.ts: ${message}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw fail(`width and height must be positive integers, got ${width}x${height}.`);
  }
  if (data.length !== width * height * channels) {
    throw fail(`data has ${data.length} samples, but ${width}x${height}x${channels} needs ${width * height * channels}.`);
  }
  if (palette && (channels !== 1 || bitDepth !== 8)) throw fail('a palette image needs channels 1 and bitDepth 8.');
  if (palette && (palette.length % 3 !== 0 || palette.length === 0 || palette.length > 768)) {
    throw fail(`palette must hold 1 to 256 RGB triples, got ${palette.length} numbers.`);
  }
  const maximum = palette ? palette.length / 3 - 1 : 2 ** bitDepth - 1;
  for (let index = 0; index < data.length; index++) {
    const value = data[index]!;
    if (!Number.isInteger(value) || value < 0 || value > maximum) {
      throw fail(`sample ${index} is ${value}, outside 0..${maximum}${palette ? ' (the palette size)' : ''}.`);
    }
  }

  const bytesPerSample = bitDepth / 8;
  const stride = channels * bytesPerSample;
  const rowBytes = width * stride;
  const raw = new Uint8Array(height * rowBytes);
  for (let index = 0; index < data.length; index++) {
    if (bitDepth === 16) {
      raw[2 * index] = data[index]! >> 8;
      raw[2 * index + 1] = data[index]! & 255;
    } else {
      raw[index] = data[index]!;
    }
  }
  const filtered = new Uint8Array(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) {
    const filter = filterOption === 'cycle' ? y % 5 : filterOption;
    const row = raw.subarray(y * rowBytes, (y + 1) * rowBytes);
    const previous = y > 0 ? raw.subarray((y - 1) * rowBytes, y * rowBytes) : new Uint8Array(rowBytes);
    const out = y * (rowBytes + 1);
    filtered[out] = filter;
    for (let i = 0; i < rowBytes; i++) {
      const left = i >= stride ? row[i - stride]! : 0;
      const up = previous[i]!;
      const upLeft = i >= stride ? previous[i - stride]! : 0;
      const prediction = [0, left, up, (left + up) >> 1, paethPredictor(left, up, upLeft)][filter]!;
      filtered[out + 1 + i] = (row[i]! - prediction) & 255;
    }
  }

  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = bitDepth;
  header[9] = palette ? 3 : COLOUR_TYPE_OF_CHANNELS[channels];
  // Compression, filter method and interlace are all 0: deflate, adaptive filters, no interlace.
  const chunks = [chunk('IHDR', header)];
  if (palette) chunks.push(chunk('PLTE', Buffer.from(Array.from(palette))));
  chunks.push(chunk('IDAT', deflateSync(filtered)), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), ...chunks]);
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
  return out;
}

// Written out here rather than shared with the decoder so that a test of one against the other
// is not a test of one function against itself.
function paethPredictor(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const toLeft = Math.abs(estimate - left);
  const toUp = Math.abs(estimate - up);
  const toUpLeft = Math.abs(estimate - upLeft);
  if (toLeft <= toUp && toLeft <= toUpLeft) return left;
  return toUp <= toUpLeft ? up : upLeft;
}
