import type { DecodedImage } from './decoded_image.js';
import { ImageDecodeError } from './decode_error.js';
import { decodePalettePng, isPalettePng } from './decode_palette_png.js';
import { decodeTiff, isTiff } from './tiff_decode.js';

/**
 * Any image file the demo takes: TIFF through our own reader (8/16-bit, see tiff_decode.ts),
 * everything else (PNG, JPEG, WebP, GIF, BMP) through the browser's decoder. The browser gives
 * 8 bits per channel, so a 16-bit PNG loses its low byte; save such images as TIFF. A palette
 * PNG keeps its indices too (decode_palette_png.ts), which the browser's decoder would lose.
 */
export async function decodeImageFile(file: Blob, name: string): Promise<DecodedImage> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (isTiff(bytes)) return decodeTiff(bytes, name);
  if (isPalettePng(bytes)) return decodePalettePng(bytes, name);
  let bitmap: ImageBitmap;
  try {
    // No colour management and no premultiplication: the pixel values as stored are the measurement.
    bitmap = await createImageBitmap(new Blob([bytes]), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new ImageDecodeError(`${name}: the browser cannot decode it as an image; use PNG, JPEG or TIFF`);
  }
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (context === null) throw new ImageDecodeError(`${name}: no 2D canvas to read its pixels from`);
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = context.getImageData(0, 0, width, height).data;
  // Gray when every pixel has R = G = B (a gray PNG or JPEG arrives as RGBA).
  let gray = true;
  for (let index = 0; index < rgba.length && gray; index += 4) gray = rgba[index] === rgba[index + 1] && rgba[index] === rgba[index + 2];
  const channels = gray ? 1 : 3;
  const data = new Float32Array(width * height * channels);
  for (let pixel = 0; pixel < width * height; pixel++) {
    for (let channel = 0; channel < channels; channel++) data[pixel * channels + channel] = rgba[pixel * 4 + channel] / 255;
  }
  return { data, height, width, channels, bitDepth: 8 };
}
