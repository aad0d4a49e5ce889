/**
 * One sampling map for all the geometric parts of an augmentation (shift, flips, quarter turns,
 * rotation, scale, elastic deformation), so that the image is interpolated once rather than once
 * per part, and the mask, instances and weight map see exactly the same geometry.
 *
 * For each output pixel p, with q = p - (centre of the output window):
 *   q  <- flips, then quarter turns (exact: whole or half-pixel positions stay so)
 *   q  <- rotate(q, rotation) / scale
 *   source(p) = centre + q + elastic(p)
 * where `centre` is the source position onto which the window's centre falls.
 */
import { AugmentationError } from './augmentation_error.js';
import { type CoarseDisplacements, upsampleDisplacements } from './elastic_field.js';

/** Where each output pixel is read from, in source pixel coordinates (may lie outside the source). */
export interface SamplingMap {
  height: number;
  width: number;
  /** [height, width] */
  rows: Float64Array;
  /** [height, width] */
  columns: Float64Array;
}

/** The geometric part of an augmentation, in source pixels and radians. */
export interface Geometry {
  /** The source position (row, column) of the output window's centre. */
  centreRow: number;
  centreColumn: number;
  flipRows: boolean;
  flipColumns: boolean;
  /** Counter-clockwise quarter turns, 0 to 3 (numpy.rot90's direction). */
  quarterTurns: number;
  /** Counter-clockwise rotation in radians (pi / 2 is one quarter turn). */
  rotation: number;
  /** Magnification: 2 shows the source twice as large. */
  scale: number;
  /** Elastic displacements spanning the output window; absent for none. */
  displacements?: CoarseDisplacements;
}

/** The geometry that copies a `height` x `width` source unchanged. */
export function identityGeometry(height: number, width: number): Geometry {
  return {
    centreRow: (height - 1) / 2,
    centreColumn: (width - 1) / 2,
    flipRows: false,
    flipColumns: false,
    quarterTurns: 0,
    rotation: 0,
    scale: 1,
  };
}

/** The sampling map of `geometry` for an output window of `height` x `width` pixels. */
export function createSamplingMap(geometry: Geometry, height: number, width: number): SamplingMap {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new AugmentationError(
      `sampling_map.ts: the output window must be whole positive sizes, got ${height} x ${width}; pass its height and width in pixels.`,
    );
  }
  if (!(geometry.scale > 0) || !Number.isFinite(geometry.scale)) {
    throw new AugmentationError(`sampling_map.ts: scale must be a finite number > 0, got ${geometry.scale}; use 1 for no scaling.`);
  }
  const turns = ((Math.round(geometry.quarterTurns) % 4) + 4) % 4;
  const cos = Math.cos(geometry.rotation) / geometry.scale;
  const sin = Math.sin(geometry.rotation) / geometry.scale;
  const field = geometry.displacements ? upsampleDisplacements(geometry.displacements, height, width) : undefined;
  const rows = new Float64Array(height * width);
  const columns = new Float64Array(height * width);
  const middleRow = (height - 1) / 2;
  const middleColumn = (width - 1) / 2;
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      let r = row - middleRow;
      let c = column - middleColumn;
      if (geometry.flipRows) r = -r;
      if (geometry.flipColumns) c = -c;
      for (let turn = 0; turn < turns; turn++) {
        const held = r;
        r = c;
        c = -held;
      }
      let sourceRow = cos * r + sin * c;
      let sourceColumn = cos * c - sin * r;
      const i = row * width + column;
      if (field) {
        sourceRow += field.rows[i];
        sourceColumn += field.columns[i];
      }
      rows[i] = geometry.centreRow + sourceRow;
      columns[i] = geometry.centreColumn + sourceColumn;
    }
  }
  return { height, width, rows, columns };
}

/** The part of a map that covers the window at (top, left) of size height x width, e.g. an output tile inside an input tile. */
export function cropSamplingMap(map: SamplingMap, top: number, left: number, height: number, width: number): SamplingMap {
  if (top < 0 || left < 0 || top + height > map.height || left + width > map.width || !Number.isInteger(top + left + height + width)) {
    throw new AugmentationError(
      `sampling_map.ts: the window ${height} x ${width} at (${top}, ${left}) does not lie inside the ${map.height} x ${map.width} map; pass a window within it.`,
    );
  }
  const rows = new Float64Array(height * width);
  const columns = new Float64Array(height * width);
  for (let row = 0; row < height; row++) {
    const from = (top + row) * map.width + left;
    rows.set(map.rows.subarray(from, from + width), row * width);
    columns.set(map.columns.subarray(from, from + width), row * width);
  }
  return { height, width, rows, columns };
}
