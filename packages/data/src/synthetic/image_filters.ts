/**
 * The few filters the synthetic images need, on row-major [height, width] float arrays: a
 * Gaussian blur (the microscope's point spread) with mirrored borders, smooth random fields
 * (texture, uneven illumination) and sensor noise.
 */
import type { Random } from '../random.js';

function reflect(index: number, size: number): number {
  if (size === 1) return 0;
  const period = 2 * (size - 1);
  const phase = ((index % period) + period) % period;
  return phase < size ? phase : period - phase;
}

/** Separable Gaussian blur of standard deviation `sigma` pixels, truncated at 3 sigma; a new array. */
export function gaussianBlur(data: Float32Array, height: number, width: number, sigma: number): Float32Array {
  if (sigma <= 0) return Float32Array.from(data);
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float64Array(2 * radius + 1);
  let total = 0;
  for (let k = -radius; k <= radius; k++) total += kernel[k + radius] = Math.exp(-(k * k) / (2 * sigma * sigma));
  for (let k = 0; k < kernel.length; k++) kernel[k] /= total;
  const across = new Float32Array(data.length);
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) sum += kernel[k + radius] * data[row * width + reflect(column + k, width)];
      across[row * width + column] = sum;
    }
  }
  const out = new Float32Array(data.length);
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) sum += kernel[k + radius] * across[reflect(row + k, height) * width + column];
      out[row * width + column] = sum;
    }
  }
  return out;
}

/** A smooth random field with mean 0 and standard deviation 1: white noise blurred by `sigma` pixels. */
export function smoothNoise(random: Random, height: number, width: number, sigma: number): Float32Array {
  const white = new Float32Array(height * width);
  for (let i = 0; i < white.length; i++) white[i] = random.normal();
  const field = gaussianBlur(white, height, width, sigma);
  let sum = 0;
  let sumOfSquares = 0;
  for (const value of field) {
    sum += value;
    sumOfSquares += value * value;
  }
  const mean = sum / field.length;
  const std = Math.sqrt(Math.max(sumOfSquares / field.length - mean * mean, 1e-12));
  for (let i = 0; i < field.length; i++) field[i] = (field[i] - mean) / std;
  return field;
}

/**
 * Uneven illumination: a random linear ramp plus a broad bump, as a factor around 1
 * (between about 1 - strength and 1 + strength).
 */
export function illuminationField(random: Random, height: number, width: number, strength: number): Float32Array {
  const angle = random.uniform(0, 2 * Math.PI);
  const ramp = random.uniform(0.3, 1) * strength;
  const bumpRow = random.uniform(0, height);
  const bumpColumn = random.uniform(0, width);
  const bumpWidth = random.uniform(0.4, 0.8) * Math.max(height, width);
  const bump = random.uniform(-0.5, 0.5) * strength;
  const field = new Float32Array(height * width);
  const scale = Math.max(height, width);
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      const along = ((row - height / 2) * Math.sin(angle) + (column - width / 2) * Math.cos(angle)) / scale;
      const distanceSquared = (row - bumpRow) ** 2 + (column - bumpColumn) ** 2;
      field[row * width + column] = 1 + ramp * along + bump * Math.exp(-distanceSquared / (2 * bumpWidth * bumpWidth));
    }
  }
  return field;
}

/** Adds Gaussian noise of standard deviation `std` and clamps to [0, 1], in place. */
export function addNoiseAndClamp(random: Random, data: Float32Array, std: number): Float32Array {
  for (let i = 0; i < data.length; i++) {
    const value = data[i] + random.normal(0, std);
    data[i] = value < 0 ? 0 : value > 1 ? 1 : value;
  }
  return data;
}
