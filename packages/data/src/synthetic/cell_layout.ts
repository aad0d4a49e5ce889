/**
 * The geometry shared by the synthetic images: cell centres on a jittered grid (so cells have
 * similar sizes, as in tissue), and for any point its cell (the nearest centre: a Voronoi
 * tessellation) and its distance to that cell's border.
 *
 * The border of cell i towards cell j is their bisector; a point p of cell i lies
 * (|p - c_j|^2 - |p - c_i|^2) / (2 |c_i - c_j|) from it, exactly. The distance to the cell's
 * border is the least of these over j. Labels are drawn from these exact distances, so they are
 * exact by construction.
 */
import type { Random } from '../random.js';

/** Cell centres, in pixels: [row, column] pairs. */
export interface CellCentres {
  rows: Float64Array;
  columns: Float64Array;
  count: number;
  /** The grid the centres were jittered from: centre gridRow * gridColumns + gridColumn sits near (first + gridRow * spacing, first + gridColumn * spacing). */
  gridRows: number;
  gridColumns: number;
  first: number;
  spacing: number;
}

/**
 * Centres on a grid of pitch `spacing`, each moved by up to `jitter * spacing` per axis, over the
 * image and one pitch beyond it (so cells cut by the border look like cells, not like a frame).
 */
export function jitteredGridCentres(random: Random, height: number, width: number, spacing: number, jitter: number): CellCentres {
  if (!(jitter >= 0 && jitter <= 0.35))
    throw new RangeError(`cell_layout.ts: jitter ${jitter} must be in [0, 0.35] for locateCell's 5 x 5 search`);
  const first = -spacing / 2;
  const gridRows = Math.ceil((height + spacing - first) / spacing);
  const gridColumns = Math.ceil((width + spacing - first) / spacing);
  const rows = new Float64Array(gridRows * gridColumns);
  const columns = new Float64Array(gridRows * gridColumns);
  for (let gridRow = 0; gridRow < gridRows; gridRow++) {
    for (let gridColumn = 0; gridColumn < gridColumns; gridColumn++) {
      const i = gridRow * gridColumns + gridColumn;
      rows[i] = first + gridRow * spacing + random.uniform(-jitter, jitter) * spacing;
      columns[i] = first + gridColumn * spacing + random.uniform(-jitter, jitter) * spacing;
    }
  }
  return { rows, columns, count: rows.length, gridRows, gridColumns, first, spacing };
}

/** Which cell a point belongs to and how far it is from that cell's border. */
export interface CellLocation {
  /** Index of the nearest centre. */
  cell: number;
  /** The neighbour whose border is nearest. */
  neighbour: number;
  /** Distance to the border with `neighbour`, in pixels (>= 0). */
  borderDistance: number;
}

/**
 * The cell of (row, column) and its
 * nearest border. `borderOffset(i, j)` is subtracted from the distance to the i/j border before
 * comparing, so borders of different widths compete fairly (the membrane is where the result < 0).
 */
export function locateCell(
  centres: CellCentres,
  row: number,
  column: number,
  out: CellLocation,
  borderOffset: (cell: number, neighbour: number) => number = () => 0,
): CellLocation {
  const { rows, columns, gridRows, gridColumns, first, spacing } = centres;
  // Only the 5 x 5 grid nodes around the point's nearest node can hold its cell: the nearest
  // node's centre is at most 0.85 * sqrt(2) = 1.2 spacings away (half a spacing to the node, 0.35
  // of jitter, per axis), and a centre three nodes away along an axis is at least 2.15 spacings
  // away. The borders tested (membranes, organelle clearance) lie within a cell's neighbours.
  const nodeRow = Math.round((row - first) / spacing);
  const nodeColumn = Math.round((column - first) / spacing);
  const rowStart = Math.max(nodeRow - 2, 0);
  const rowEnd = Math.min(nodeRow + 2, gridRows - 1);
  const columnStart = Math.max(nodeColumn - 2, 0);
  const columnEnd = Math.min(nodeColumn + 2, gridColumns - 1);
  let cell = -1;
  let nearest = Infinity;
  for (let gridRow = rowStart; gridRow <= rowEnd; gridRow++)
    for (let gridColumn = columnStart; gridColumn <= columnEnd; gridColumn++) {
      const i = gridRow * gridColumns + gridColumn;
      const dr = row - rows[i];
      const dc = column - columns[i];
      const squared = dr * dr + dc * dc;
      if (squared < nearest) {
        nearest = squared;
        cell = i;
      }
    }
  let neighbour = -1;
  let borderDistance = Infinity;
  for (let gridRow = rowStart; gridRow <= rowEnd; gridRow++)
    for (let gridColumn = columnStart; gridColumn <= columnEnd; gridColumn++) {
      const j = gridRow * gridColumns + gridColumn;
      if (j === cell) continue;
      const dr = row - rows[j];
      const dc = column - columns[j];
      const betweenRows = rows[cell] - rows[j];
      const betweenColumns = columns[cell] - columns[j];
      const between = Math.sqrt(betweenRows * betweenRows + betweenColumns * betweenColumns);
      const distance = (dr * dr + dc * dc - nearest) / (2 * between) - borderOffset(cell, j);
      if (distance < borderDistance) {
        borderDistance = distance;
        neighbour = j;
      }
    }
  out.cell = cell;
  out.neighbour = neighbour;
  out.borderDistance = borderDistance;
  return out;
}

/** A number in [0, 1) that depends only on the unordered pair (i, j) and a salt: per-border properties. */
export function pairHash(i: number, j: number, salt: number): number {
  const low = Math.min(i, j);
  const high = Math.max(i, j);
  let h = Math.imul(low + 1, 0x9e3779b1) ^ Math.imul(high + 1, 0x85ebca77) ^ Math.imul(salt + 1, 0xc2b2ae3d);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
