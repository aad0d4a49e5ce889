/**
 * Weights for blending overlapping tiles: exp(-d^2 / (2 sigma^2)) with d the distance to the
 * tile's centre and sigma = size * sigmaScale (nnU-Net's 1/8), scaled to 1 at the centre. A
 * padded network is worse at its tile borders (zero padding), so their pixels count less
 * where tiles overlap; every weight stays positive, so a pixel seen by one tile keeps its value.
 *
 * @returns // [size, size]
 */
export function gaussianWindow(size: number, sigmaScale = 1 / 8): Float32Array {
  return gaussianWindow2d(size, size, sigmaScale);
}

function gaussianAxis(size: number, sigmaScale: number): number[] {
  const sigma = size * sigmaScale;
  const centre = (size - 1) / 2;
  return Array.from({ length: size }, (_, index) => Math.exp(-((index - centre) ** 2) / (2 * sigma * sigma)));
}

/** The same for a rectangular tile: each axis's sigma from its own length. // [height, width] */
export function gaussianWindow2d(height: number, width: number, sigmaScale = 1 / 8): Float32Array {
  const rows = gaussianAxis(height, sigmaScale);
  const columns = gaussianAxis(width, sigmaScale);
  const window = new Float32Array(height * width);
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      // Never 0, so that a pixel only a tile's far corner sees is still defined.
      window[row * width + column] = Math.max(rows[row] * columns[column], 1e-30);
    }
  }
  return window;
}
