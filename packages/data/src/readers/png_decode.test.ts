import { deflateSync, crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CorruptFileError } from '../errors.js';
import { vocColourMap } from '../layouts/voc/colour_map.js';
import { decodePng } from './png_decode.js';
import { encodePng } from './png_encode.js';

// sharp (libvips + libspng) is the independent decoder these tests compare against.
async function sharpSamples(png: Buffer, colourspace: 'b-w' | 'grey16' | 'srgb' | 'rgb16', sixteen = false): Promise<number[]> {
  const data = await sharp(png)
    .toColourspace(colourspace)
    .raw({ depth: sixteen ? 'ushort' : 'uchar' })
    .toBuffer();
  return Array.from(sixteen ? new Uint16Array(data.buffer, data.byteOffset, data.length / 2) : data);
}

function seededBytes(count: number, modulo: number, seed = 1): number[] {
  // A linear congruential generator: fixtures with no structure, the same on every run.
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return (state >>> 16) % modulo;
  });
}

describe('decodePng', () => {
  it('decodes sharp-written 8-bit gray, RGB, RGBA and 16-bit gray/RGB PNGs to the samples sharp reads back', async () => {
    const width = 13;
    const height = 7;
    const gray = seededBytes(width * height, 256, 3);
    const rgb = seededBytes(width * height * 3, 256, 5);
    const gray16 = Uint16Array.from(seededBytes(width * height, 65536, 7));
    const rgb16 = Uint16Array.from(seededBytes(width * height * 3, 65536, 9));
    const cases = [
      {
        png: await sharp(Buffer.from(gray), { raw: { width, height, channels: 1 } })
          .toColourspace('b-w')
          .png()
          .toBuffer(),
        space: 'b-w',
        sixteen: false,
        channels: 1,
        bitDepth: 8,
      },
      {
        png: await sharp(Buffer.from(rgb), { raw: { width, height, channels: 3 } })
          .png()
          .toBuffer(),
        space: 'srgb',
        sixteen: false,
        channels: 3,
        bitDepth: 8,
      },
      {
        png: await sharp(gray16, { raw: { width, height, channels: 1 } })
          .toColourspace('grey16')
          .png()
          .toBuffer(),
        space: 'grey16',
        sixteen: true,
        channels: 1,
        bitDepth: 16,
      },
      {
        png: await sharp(rgb16, { raw: { width, height, channels: 3 } })
          .toColourspace('rgb16')
          .png()
          .toBuffer(),
        space: 'rgb16',
        sixteen: true,
        channels: 3,
        bitDepth: 16,
      },
    ] as const;
    for (const { png, space, sixteen, channels, bitDepth } of cases) {
      const decoded = decodePng(png);
      expect([decoded.width, decoded.height, decoded.channels, decoded.bitDepth]).toEqual([width, height, channels, bitDepth]);
      expect(Array.from(decoded.samples)).toEqual(await sharpSamples(png, space, sixteen));
    }
    const rgba = seededBytes(width * height * 4, 256, 11);
    const rgbaPng = await sharp(Buffer.from(rgba), { raw: { width, height, channels: 4 } })
      .png()
      .toBuffer();
    const decoded = decodePng(rgbaPng);
    expect(decoded.channels).toBe(4);
    expect(Array.from(decoded.samples)).toEqual(rgba);
  });

  it('gives the palette indices of 1-, 2-, 4- and 8-bit palette PNGs, whose PLTE colours are what sharp expands them to', async () => {
    const width = 11;
    const height = 5;
    for (const colours of [2, 4, 16, 200]) {
      // A gray ramp of `colours` levels, quantised by sharp into a palette of that size.
      const levels = seededBytes(width * height * 3, colours, colours).map((value) => Math.round((value * 255) / (colours - 1)));
      const png = await sharp(Buffer.from(levels), { raw: { width, height, channels: 3 } })
        .png({ palette: true, colours, dither: 0 })
        .toBuffer();
      const decoded = decodePng(png);
      expect(decoded.colourType).toBe(3);
      expect(decoded.bitDepth).toBe(colours <= 2 ? 1 : colours <= 4 ? 2 : colours <= 16 ? 4 : 8);
      const expanded = Array.from(decoded.samples).flatMap((index) => Array.from(decoded.palette!.subarray(index * 3, index * 3 + 3)));
      expect(expanded).toEqual(await sharpSamples(png, 'srgb'));
    }
  });

  it('reads back the exact indices of a VOC palette mask written by encodePng, through all five row filters', () => {
    const width = 9;
    const height = 10; // two rounds of the five filters
    const indices = seededBytes(width * height, 21, 13).map((value, index) => (index % 7 === 0 ? 255 : value));
    const png = encodePng({ width, height, channels: 1, data: indices, palette: vocColourMap(), filter: 'cycle' });
    const decoded = decodePng(png);
    expect(Array.from(decoded.samples)).toEqual(indices);
    expect(Array.from(decoded.palette!.subarray(15 * 3, 15 * 3 + 3))).toEqual([192, 128, 128]);
  });

  it('decodes an Adam7-interlaced PNG (written by sharp) to the same samples as sharp', async () => {
    const width = 19;
    const height = 11;
    const rgb = seededBytes(width * height * 3, 256, 17);
    const png = await sharp(Buffer.from(rgb), { raw: { width, height, channels: 3 } })
      .png({ progressive: true })
      .toBuffer();
    expect(png[8 + 8 + 12]).toBe(1); // IHDR's interlace byte
    expect(Array.from(decodePng(png).samples)).toEqual(rgb);
    const indices = seededBytes(width * height, 4, 19);
    const palettePng = await sharp(Buffer.from(indices.flatMap((index) => [index * 80, 0, 255 - index * 80])), {
      raw: { width, height, channels: 3 },
    })
      .png({ palette: true, colours: 4, dither: 0, progressive: true })
      .toBuffer();
    const decoded = decodePng(palettePng);
    const expanded = Array.from(decoded.samples).flatMap((index) => Array.from(decoded.palette!.subarray(index * 3, index * 3 + 3)));
    expect(expanded).toEqual(await sharpSamples(palettePng, 'srgb'));
  });

  it('refuses a truncated file, a bad CRC and a missing signature with CorruptFileError naming the file', () => {
    const png = encodePng({ width: 4, height: 4, channels: 1, data: new Array(16).fill(3) });
    expect(() => decodePng(png.subarray(0, png.length - 20), 'cut.png')).toThrow(CorruptFileError);
    expect(() => decodePng(png.subarray(0, png.length - 20), 'cut.png')).toThrow(/cut\.png.*truncated/);
    const flipped = Buffer.from(png);
    flipped[40] ^= 0xff; // inside IDAT
    expect(() => decodePng(flipped, 'flip.png')).toThrow(/flip\.png.*CRC/);
    expect(() => decodePng(Buffer.from('GIF89a not a png at all'), 'x.png')).toThrow(/x\.png.*signature/);
  });

  it('refuses image data that ends before the last row', () => {
    // A valid file whose IDAT holds one row less than IHDR promises.
    const header = Buffer.alloc(13);
    header.writeUInt32BE(3, 0);
    header.writeUInt32BE(2, 4);
    header[8] = 8;
    const chunk = (type: string, data: Buffer) => {
      const out = Buffer.alloc(12 + data.length);
      out.writeUInt32BE(data.length, 0);
      out.write(type, 4, 'latin1');
      data.copy(out, 8);
      out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
      return out;
    };
    const png = Buffer.concat([
      Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(Buffer.from([0, 1, 2, 3]))),
      chunk('IEND', Buffer.alloc(0)),
    ]);
    expect(() => decodePng(png, 'short.png')).toThrow(/short\.png.*row 1/);
  });
});
