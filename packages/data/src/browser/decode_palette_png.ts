import { decode } from 'fast-png';
import { ImageDecodeError } from './decode_error.js';
import type { DecodedImage } from './decoded_image.js';

/** True for a PNG whose pixels are palette indices (IHDR colour type 3). */
export function isPalettePng(bytes: Uint8Array): boolean {
  const signature = [137, 80, 78, 71, 13, 10, 26, 10];
  // The IHDR chunk comes first: length (4), 'IHDR' (4), width, height (4 each), bit depth, colour type.
  return bytes.length > 25 && signature.every((value, index) => bytes[index] === value) && bytes[25] === 3;
}

/**
 * A palette PNG with its indices kept (`paletteIndices`): a VOC mask's meaning is its indices
 * (15 is "person", 255 is void), and the browser's decoder gives only the colours, which can
 * merge classes (VOC's 1 and 3 share their red channel). fast-png, not the browser, reads it;
 * `data` holds the palette's colours, as the browser would show them.
 */
export function decodePalettePng(bytes: Uint8Array, name: string): DecodedImage {
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes);
  } catch (error) {
    throw new ImageDecodeError(
      `${name}: not a readable palette PNG (${error instanceof Error ? error.message : String(error)}); re-save it from the tool that made it`,
    );
  }
  const { width, height, depth, palette } = png;
  if (palette === undefined)
    throw new ImageDecodeError(`${name}: a palette PNG without a PLTE chunk; re-save it from the tool that made it`);
  // Rows of 1-, 2- and 4-bit indices are packed, each row starting on a byte.
  const packed = png.data as Uint8Array;
  const indices = new Uint8Array(width * height);
  if (depth === 8) indices.set(packed.subarray(0, width * height));
  else {
    const rowBytes = Math.ceil((width * depth) / 8);
    const mask = (1 << depth) - 1;
    for (let row = 0; row < height; row++) {
      for (let column = 0; column < width; column++) {
        const bit = column * depth;
        indices[row * width + column] = (packed[row * rowBytes + (bit >> 3)] >> (8 - depth - (bit & 7))) & mask;
      }
    }
  }
  for (let pixel = 0; pixel < indices.length; pixel++) {
    if (indices[pixel] >= palette.length) {
      throw new ImageDecodeError(
        `${name}: pixel ${pixel} has palette index ${indices[pixel]}, past the palette's ${palette.length} colours; re-save the file`,
      );
    }
  }
  const gray = palette.every(([red, green, blue]) => red === green && red === blue);
  const channels = gray ? 1 : 3;
  const data = new Float32Array(width * height * channels);
  for (let pixel = 0; pixel < indices.length; pixel++) {
    const colour = palette[indices[pixel]];
    for (let channel = 0; channel < channels; channel++) data[pixel * channels + channel] = colour[channel] / 255;
  }
  return { data, height, width, channels, bitDepth: 8, paletteIndices: indices };
}
