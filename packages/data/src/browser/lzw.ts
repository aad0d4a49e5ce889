import { ImageDecodeError } from './decode_error.js';

/**
 * TIFF's LZW (TIFF 6.0, section 13): codes of 9 to 12 bits, most significant bit first,
 * 256 = clear, 257 = end of information, and the code width grows one code early (at 511,
 * 1023, 2047), as every TIFF writer since libtiff does.
 *
 * @param expectedLength the strip's decoded size (rows * row bytes); decoding stops there
 */
export function decodeLzw(input: Uint8Array, expectedLength: number, file: string): Uint8Array {
  const CLEAR = 256;
  const END = 257;
  const output = new Uint8Array(expectedLength);
  // The table as (prefix code, last byte, length): a string is read back by walking prefixes.
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const lengths = new Int32Array(4096);
  const firstByte = new Uint8Array(4096);
  for (let code = 0; code < 256; code++) {
    prefix[code] = -1;
    suffix[code] = code;
    lengths[code] = 1;
    firstByte[code] = code;
  }
  let nextCode = 258;
  let width = 9;
  let bitPosition = 0;
  let written = 0;
  let previous = -1;
  const totalBits = input.length * 8;

  const readCode = (): number => {
    if (bitPosition + width > totalBits) return END;
    let code = 0;
    for (let bit = 0; bit < width; bit++) {
      const position = bitPosition + bit;
      code = (code << 1) | ((input[position >> 3] >> (7 - (position & 7))) & 1);
    }
    bitPosition += width;
    return code;
  };

  // Writes the string of `code` at `written`; bytes past the strip's end are dropped.
  const emit = (code: number): void => {
    const length = lengths[code];
    let position = written + length - 1;
    for (let walk = code; walk !== -1; walk = prefix[walk], position--) {
      if (position < expectedLength) output[position] = suffix[walk];
    }
    written += length;
  };

  while (written < expectedLength) {
    const code = readCode();
    if (code === END) break;
    if (code === CLEAR) {
      nextCode = 258;
      width = 9;
      previous = -1;
      continue;
    }
    if (previous === -1) {
      if (code > 255) {
        throw new ImageDecodeError(`${file}: LZW data starts with code ${code}, not a byte; the file is corrupt`);
      }
      emit(code);
      previous = code;
      continue;
    }
    if (code > nextCode) {
      throw new ImageDecodeError(`${file}: LZW code ${code} is beyond the table (${nextCode}); the file is corrupt`);
    }
    // A code not yet in the table (the KwKwK case) is the previous string plus its own first byte.
    const first = code < nextCode ? firstByte[code] : firstByte[previous];
    if (nextCode < 4096) {
      prefix[nextCode] = previous;
      suffix[nextCode] = first;
      lengths[nextCode] = lengths[previous] + 1;
      firstByte[nextCode] = firstByte[previous];
      nextCode++;
    }
    emit(code);
    previous = code;
    if (nextCode + 1 >= 1 << width && width < 12) width++;
  }
  return output;
}
