/**
 * The paper's elastic deformation field (Ronneberger et al. 2015, section 3.1): "random
 * displacement vectors on a coarse 3 by 3 grid. The displacements are sampled from a Gaussian
 * distribution with 10 pixels standard deviation. Per-pixel displacements are then computed using
 * bicubic interpolation."
 *
 * The grid's nodes sit on the window's corners, edge midpoints and centre (node j of g at
 * j * (size - 1) / (g - 1)), so the field at a corner pixel is exactly that node's vector.
 */
import type { Random } from '../random.js';
import { AugmentationError } from './augmentation_error.js';

/** Displacements on a coarse grid, in pixels. */
export interface CoarseDisplacements {
  gridSize: number;
  /** [gridSize, gridSize, 2]: (row, column) displacement of each node, row-major. */
  values: Float64Array;
}

/** A per-pixel displacement field, in pixels. */
export interface DisplacementField {
  height: number;
  width: number;
  /** [height, width]: added to the source row of each pixel. */
  rows: Float64Array;
  /** [height, width]: added to the source column of each pixel. */
  columns: Float64Array;
}

function checkGrid(gridSize: number, std: number): void {
  if (!Number.isInteger(gridSize) || gridSize < 2) {
    throw new AugmentationError(
      `elastic_field.ts: the grid must have at least 2 nodes per side, got gridSize ${gridSize}; use 3 (the paper's 3x3 grid).`,
    );
  }
  if (!Number.isFinite(std) || std < 0) {
    throw new AugmentationError(
      `elastic_field.ts: the displacement standard deviation must be a finite number >= 0, got ${std}; use 10 pixels (the paper's) or 0 for none.`,
    );
  }
}

/** Gaussian displacements, independent per node and axis, with standard deviation `std` pixels. */
export function drawCoarseDisplacements(random: Random, gridSize = 3, std = 10): CoarseDisplacements {
  checkGrid(gridSize, std);
  const values = new Float64Array(gridSize * gridSize * 2);
  for (let i = 0; i < values.length; i++) values[i] = random.normal(0, std);
  return { gridSize, values };
}

/** For each of `size` positions, the four grid taps (clamped to the grid) and their cubic weights. */
function axisTaps(size: number, gridSize: number): { taps: Int32Array; weights: Float64Array } {
  const taps = new Int32Array(size * 4);
  const weights = new Float64Array(size * 4);
  const step = size > 1 ? (gridSize - 1) / (size - 1) : 0;
  for (let position = 0; position < size; position++) {
    const t = position * step;
    const node = Math.min(Math.floor(t), gridSize - 1);
    const f = t - node;
    const f2 = f * f;
    const f3 = f2 * f;
    // Catmull-Rom (Keys, a = -0.5): passes through the nodes.
    weights[position * 4] = -0.5 * f3 + f2 - 0.5 * f;
    weights[position * 4 + 1] = 1.5 * f3 - 2.5 * f2 + 1;
    weights[position * 4 + 2] = -1.5 * f3 + 2 * f2 + 0.5 * f;
    weights[position * 4 + 3] = 0.5 * f3 - 0.5 * f2;
    for (let tap = 0; tap < 4; tap++) {
      taps[position * 4 + tap] = Math.min(Math.max(node - 1 + tap, 0), gridSize - 1);
    }
  }
  return { taps, weights };
}

/** Bicubic upsampling of the coarse displacements to every pixel of a `height` x `width` window. */
export function upsampleDisplacements(coarse: CoarseDisplacements, height: number, width: number): DisplacementField {
  const { gridSize, values } = coarse;
  checkGrid(gridSize, 0);
  if (values.length !== gridSize * gridSize * 2) {
    throw new AugmentationError(
      `elastic_field.ts: a ${gridSize}x${gridSize} grid needs ${gridSize * gridSize * 2} values, got ${values.length}; pass [gridSize, gridSize, 2].`,
    );
  }
  const rowTaps = axisTaps(height, gridSize);
  const columnTaps = axisTaps(width, gridSize);
  // Along rows first: for each image row and grid column, the interpolated (row, column) vector.
  const partial = new Float64Array(height * gridSize * 2);
  for (let row = 0; row < height; row++) {
    for (let gridColumn = 0; gridColumn < gridSize; gridColumn++) {
      let sumRow = 0;
      let sumColumn = 0;
      for (let tap = 0; tap < 4; tap++) {
        const w = rowTaps.weights[row * 4 + tap];
        const node = (rowTaps.taps[row * 4 + tap] * gridSize + gridColumn) * 2;
        sumRow += w * values[node];
        sumColumn += w * values[node + 1];
      }
      partial[(row * gridSize + gridColumn) * 2] = sumRow;
      partial[(row * gridSize + gridColumn) * 2 + 1] = sumColumn;
    }
  }
  const rows = new Float64Array(height * width);
  const columns = new Float64Array(height * width);
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      let sumRow = 0;
      let sumColumn = 0;
      for (let tap = 0; tap < 4; tap++) {
        const w = columnTaps.weights[column * 4 + tap];
        const node = (row * gridSize + columnTaps.taps[column * 4 + tap]) * 2;
        sumRow += w * partial[node];
        sumColumn += w * partial[node + 1];
      }
      rows[row * width + column] = sumRow;
      columns[row * width + column] = sumColumn;
    }
  }
  return { height, width, rows, columns };
}
