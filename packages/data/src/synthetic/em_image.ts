/**
 * A synthetic electron-microscopy section in the manner of the ISBI 2012 challenge (neural tissue,
 * serial-section TEM): cells of a jittered Voronoi tessellation, bent by a smooth warp, separated
 * by dark membranes whose width varies from border to border; inside the cells, organelles that
 * are as dark as membranes (dark blobs, vesicle rings, mitochondria) but are NOT membrane; then
 * blur, uneven illumination and noise.
 *
 * Labels follow the ISBI task: class 1 = membrane, class 0 = cell; they are drawn from the same
 * exact geometry as the image, so they are exact. Because organelles are as dark as membranes, a
 * classifier of intensity alone cannot find the membranes: it has to learn shapes (thin,
 * connected, separating cells), which is what a U-Net learns.
 */
import type { Random } from '../random.js';
import { type CellLocation, jitteredGridCentres, locateCell, pairHash } from './cell_layout.js';
import { addNoiseAndClamp, gaussianBlur, illuminationField, smoothNoise } from './image_filters.js';

/** One generated picture: image in [0, 1], class ids and instance ids, each row-major [height, width]. */
export interface SyntheticPicture {
  image: Float32Array;
  mask: Int32Array;
  instances: Int32Array;
}

type OrganelleKind = 'blob' | 'vesicle' | 'mitochondrion';

interface Organelle {
  kind: OrganelleKind;
  row: number;
  column: number;
  /** Semi-axes, in pixels, along the organelle's angle and across it. */
  long: number;
  short: number;
  cos: number;
  sin: number;
  level: number;
}

/** A smooth warp made of a few long-wavelength sine waves per axis (bends the straight Voronoi borders). */
function createWarp(random: Random): (row: number, column: number, out: Float64Array) => void {
  const waves = Array.from({ length: 6 }, () => {
    const angle = random.uniform(0, 2 * Math.PI);
    const frequency = (2 * Math.PI) / random.uniform(50, 140);
    return {
      axis: random.integer(0, 2),
      amplitude: random.uniform(1.5, 4),
      rowFrequency: frequency * Math.sin(angle),
      columnFrequency: frequency * Math.cos(angle),
      phase: random.uniform(0, 2 * Math.PI),
    };
  });
  return (row, column, out) => {
    out[0] = row;
    out[1] = column;
    for (const wave of waves) {
      out[wave.axis] += wave.amplitude * Math.sin(wave.rowFrequency * row + wave.columnFrequency * column + wave.phase);
    }
  };
}

export function generateEmPicture(random: Random, height: number, width: number): SyntheticPicture {
  const spacing = random.uniform(34, 46);
  const centres = jitteredGridCentres(random.fork('centres'), height, width, spacing, 0.32);
  const warp = createWarp(random.fork('warp'));
  const salt = random.integer(0, 0x7fffffff);
  // Membrane half width per border, 0.8 to 2.2 px: membranes 1.6 to 4.4 px wide.
  const halfWidth = (i: number, j: number) => 0.8 + 1.4 * pairHash(i, j, salt);
  const membraneLevel = (i: number, j: number) => 0.14 + 0.16 * pairHash(i, j, salt + 1);

  const cellRandom = random.fork('cells');
  const cellLevel = Float64Array.from({ length: centres.count }, () => cellRandom.uniform(0.55, 0.78));
  const organelles: Organelle[][] = Array.from({ length: centres.count }, () => []);
  const location: CellLocation = { cell: 0, neighbour: 0, borderDistance: 0 };
  const organelleRandom = random.fork('organelles');
  for (let cell = 0; cell < centres.count; cell++) {
    const wanted = organelleRandom.integer(0, 5);
    for (let attempt = 0; attempt < 4 * wanted && organelles[cell].length < wanted; attempt++) {
      const kind: OrganelleKind = (['blob', 'vesicle', 'mitochondrion'] as const)[organelleRandom.integer(0, 3)];
      const long = kind === 'mitochondrion' ? organelleRandom.uniform(6, 12) : organelleRandom.uniform(2.5, 6);
      const short = kind === 'mitochondrion' ? organelleRandom.uniform(2.5, 4) : long * organelleRandom.uniform(0.6, 1);
      const angle = organelleRandom.uniform(0, Math.PI);
      const row = centres.rows[cell] + organelleRandom.uniform(-0.35, 0.35) * spacing;
      const column = centres.columns[cell] + organelleRandom.uniform(-0.35, 0.35) * spacing;
      const level = organelleRandom.uniform(0.12, 0.32);
      // Keep organelles inside their cell, 3 px clear of the membrane and of each other.
      locateCell(centres, row, column, location, halfWidth);
      if (location.cell !== cell || location.borderDistance < long + 3) continue;
      const overlaps = organelles[cell].some((other) => Math.hypot(other.row - row, other.column - column) < other.long + long + 2);
      if (overlaps) continue;
      organelles[cell].push({ kind, row, column, long, short, cos: Math.cos(angle), sin: Math.sin(angle), level });
    }
  }

  const texture = smoothNoise(random.fork('texture'), height, width, 1.5);
  const membraneTexture = smoothNoise(random.fork('membrane texture'), height, width, 4);
  const raw = new Float32Array(height * width);
  const mask = new Int32Array(height * width);
  const cellOfPixel = new Int32Array(height * width);
  const warped = new Float64Array(2);
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      const i = row * width + column;
      warp(row, column, warped);
      locateCell(centres, warped[0], warped[1], location, halfWidth);
      const { cell, neighbour } = location;
      if (location.borderDistance < 0) {
        mask[i] = 1;
        cellOfPixel[i] = -1;
        raw[i] = membraneLevel(cell, neighbour) + 0.04 * membraneTexture[i];
        continue;
      }
      cellOfPixel[i] = cell;
      let value = cellLevel[cell] + 0.05 * texture[i];
      for (const organelle of organelles[cell]) {
        const dr = warped[0] - organelle.row;
        const dc = warped[1] - organelle.column;
        const along = (dr * organelle.sin + dc * organelle.cos) / organelle.long;
        const across = (dc * organelle.sin - dr * organelle.cos) / organelle.short;
        const radius = Math.sqrt(along * along + across * across);
        if (organelle.kind === 'blob' && radius < 1) value = organelle.level;
        // A vesicle is a dark ring about 1.3 px thick: locally it looks like a membrane.
        if (organelle.kind === 'vesicle' && Math.abs(radius - 1) * organelle.long < 0.65) value = organelle.level;
        // A mitochondrion: a dark double wall and a mid-grey striped inside.
        if (organelle.kind === 'mitochondrion' && radius < 1) {
          const wall = (1 - radius) * organelle.short < 1.2;
          value = wall ? organelle.level : organelle.level + 0.2 + 0.08 * Math.sin(along * organelle.long * 1.6);
        }
      }
      raw[i] = value;
    }
  }

  const blurred = gaussianBlur(raw, height, width, random.uniform(0.6, 1.1));
  const light = illuminationField(random.fork('illumination'), height, width, 0.25);
  for (let i = 0; i < blurred.length; i++) blurred[i] *= light[i];
  const image = addNoiseAndClamp(random.fork('noise'), blurred, random.uniform(0.03, 0.06));
  return { image, mask, instances: compactIds(cellOfPixel) };
}

/** Instance ids 1, 2, ... in order of first appearance; -1 (no cell) becomes 0. */
export function compactIds(cellOfPixel: Int32Array): Int32Array {
  const ids = new Map<number, number>();
  const instances = new Int32Array(cellOfPixel.length);
  for (let i = 0; i < cellOfPixel.length; i++) {
    const cell = cellOfPixel[i];
    if (cell < 0) continue;
    let id = ids.get(cell);
    if (id === undefined) {
      id = ids.size + 1;
      ids.set(cell, id);
    }
    instances[i] = id;
  }
  return instances;
}
