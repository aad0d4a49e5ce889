import type { Geometry } from '@unet/data';
import { samplingParameterLayout as layout } from './sampling_map_snippet.js';

/**
 * A tile's geometry as the float32 values the sampling map's WGSL reads (samplingMapSnippet):
 * the few numbers from which each invocation computes its own source position, where the CPU
 * path fills a dense map. The rotation's cosine and sine over the scale are taken in float64,
 * as createSamplingMap takes them, and rounded once.
 */
export function tileSamplingParameters(geometry: Geometry): Float32Array {
  const coarse = geometry.displacements;
  const values = new Float32Array(layout.displacements + (coarse?.values.length ?? 0));
  values[layout.centreRow] = geometry.centreRow;
  values[layout.centreColumn] = geometry.centreColumn;
  values[layout.flipRows] = geometry.flipRows ? 1 : 0;
  values[layout.flipColumns] = geometry.flipColumns ? 1 : 0;
  values[layout.quarterTurns] = ((Math.round(geometry.quarterTurns) % 4) + 4) % 4;
  values[layout.cosineOverScale] = Math.cos(geometry.rotation) / geometry.scale;
  values[layout.sineOverScale] = Math.sin(geometry.rotation) / geometry.scale;
  values[layout.gridSize] = coarse?.gridSize ?? 0;
  if (coarse) values.set(coarse.values, layout.displacements);
  return values;
}
