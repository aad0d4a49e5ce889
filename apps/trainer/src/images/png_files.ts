import { writeFileAtomically } from '@unet/core/node';
import { encodePng } from '@unet/data/node';
import sharp from 'sharp';
import type { RgbaImage } from '../plots/overlay.js';

export async function writeRgbaPng(file: string, image: RgbaImage): Promise<void> {
  const bytes = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 4 },
  })
    .png()
    .toBuffer();
  await writeFileAtomically(file, bytes);
}

export async function writeSvgPng(file: string, svg: string): Promise<void> {
  await writeFileAtomically(file, await sharp(Buffer.from(svg)).png().toBuffer());
}

// 16-bit gray PNGs go through our own encoder: sharp 0.35 reads raw 16-bit input as 8-bit.

/**
 * A label image as a gray PNG: 8-bit when every value fits, else 16-bit. `values[label]` maps
 * class ids back to the user's pixel values (0/255 masks come back as 0/255).
 */
export async function writeLabelPng(
  file: string,
  labels: Int32Array,
  height: number,
  width: number,
  values?: readonly number[],
): Promise<void> {
  const mapped = values === undefined ? labels : labels.map((label) => values[label] ?? label);
  let largest = 0;
  for (const value of mapped) {
    if (value < 0) throw new RangeError(`writeLabelPng: ${file}: label ${value} is negative; PNG masks hold values 0..65535`);
    if (value > largest) largest = value;
  }
  if (largest > 65535) throw new RangeError(`writeLabelPng: ${file}: label ${largest} does not fit a 16-bit PNG; write a TIFF instead`);
  await writeFileAtomically(file, encodePng({ width, height, channels: 1, bitDepth: largest > 255 ? 16 : 8, data: mapped }));
}

/** A probability map (values in [0, 1]) as a 16-bit gray PNG: 65535 is probability 1. */
export async function writeProbabilityPng(file: string, probability: Float32Array, height: number, width: number): Promise<void> {
  const pixels = Uint16Array.from(probability, (value) => Math.round(Math.min(1, Math.max(0, value)) * 65535));
  await writeFileAtomically(file, encodePng({ width, height, channels: 1, bitDepth: 16, data: pixels }));
}
