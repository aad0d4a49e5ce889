/**
 * Synthetic fluorescence-like cells that touch, in the manner of the cell tracking data sets the
 * paper segments (HeLa, U373): round cells with a wobbly outline, a brighter nucleus and texture,
 * packed so that many touch. Where two cells touch, the ground truth keeps a background gap about
 * 2 px wide between them (as the paper's figure 3 does) while the image shows only a faint dim
 * line there: the case the paper's weight map is made for.
 *
 * A pixel belongs to the cell k with the least normalised distance s_k = |p - c_k| / R_k(angle)
 * among those with s_k < 1; it is gap where a second cell also has s < 1 and the two normalised
 * distances differ by less than about 1 px. Labels: class 1 = cell, 0 = background; instances
 * number the cells.
 */
import type { Random } from '../random.js';
import { jitteredGridCentres } from './cell_layout.js';
import { compactIds, type SyntheticPicture } from './em_image.js';
import { addNoiseAndClamp, gaussianBlur, illuminationField, smoothNoise } from './image_filters.js';

/** Half the gap between touching cells, in pixels. */
const HALF_GAP = 1;

export function generateCellsPicture(random: Random, height: number, width: number): SyntheticPicture {
  const spacing = random.uniform(36, 46);
  const centres = jitteredGridCentres(random.fork('centres'), height, width, spacing, 0.3);
  const cellRandom = random.fork('cells');
  const cells = Array.from({ length: centres.count }, (_, index) => ({
    index,
    present: cellRandom.bernoulli(0.85),
    radius: spacing * cellRandom.uniform(0.45, 0.62),
    wobble: cellRandom.uniform(0.03, 0.1),
    lobes: cellRandom.integer(2, 5),
    phase: cellRandom.uniform(0, 2 * Math.PI),
    level: cellRandom.uniform(0.45, 0.8),
    nucleus: cellRandom.uniform(0.35, 0.5),
  })).filter((cell) => cell.present);

  const texture = smoothNoise(random.fork('texture'), height, width, 2);
  const raw = new Float32Array(height * width);
  const cellOfPixel = new Int32Array(height * width);
  const mask = new Int32Array(height * width);
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      const i = row * width + column;
      let first = -1;
      let second = -1;
      let firstDistance = Infinity;
      let secondDistance = Infinity;
      for (let k = 0; k < cells.length; k++) {
        const cell = cells[k];
        const dr = row - centres.rows[cell.index];
        const dc = column - centres.columns[cell.index];
        // Cheap rejection: beyond the largest possible radius.
        if (Math.abs(dr) > cell.radius * 1.2 || Math.abs(dc) > cell.radius * 1.2) continue;
        const outline = cell.radius * (1 + cell.wobble * Math.sin(cell.lobes * Math.atan2(dr, dc) + cell.phase));
        const s = Math.hypot(dr, dc) / outline;
        if (s < firstDistance) {
          second = first;
          secondDistance = firstDistance;
          first = k;
          firstDistance = s;
        } else if (s < secondDistance) {
          second = k;
          secondDistance = s;
        }
      }
      cellOfPixel[i] = -1;
      raw[i] = 0.08 + 0.02 * texture[i];
      if (firstDistance >= 1) continue;
      const cell = cells[first];
      if (secondDistance < 1) {
        const meanRadius = (cell.radius + cells[second].radius) / 2;
        if ((secondDistance - firstDistance) * meanRadius < 2 * HALF_GAP) {
          // Touching cells: background in the labels, a faint dim line in the image.
          raw[i] = 0.6 * Math.min(cell.level, cells[second].level);
          continue;
        }
      }
      mask[i] = 1;
      cellOfPixel[i] = cell.index;
      const nucleus = firstDistance < cell.nucleus ? 0.15 : 0;
      raw[i] = cell.level * (1 - 0.25 * firstDistance * firstDistance) + nucleus + 0.06 * texture[i];
    }
  }
  const blurred = gaussianBlur(raw, height, width, random.uniform(0.8, 1.3));
  const light = illuminationField(random.fork('illumination'), height, width, 0.2);
  for (let i = 0; i < blurred.length; i++) blurred[i] *= light[i];
  const image = addNoiseAndClamp(random.fork('noise'), blurred, random.uniform(0.02, 0.04));
  return { image, mask, instances: compactIds(cellOfPixel) };
}
