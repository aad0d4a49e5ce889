/**
 * The sampling map of @unet/data (augment/sampling_map.ts with augment/elastic_field.ts) in WGSL,
 * evaluated per pixel in float32 from a tile's parameters (tileSamplingParameters), so that the
 * dense map never exists: for the pixel (row, column) of the input window,
 *   q = (row, column) - the window's middle; flips, then quarter turns (r, c) -> (c, -r);
 *   source = centre + rotate(q) / scale + elastic(row, column),
 * where elastic is the bicubic (Catmull-Rom) upsampling of the coarse displacements, whose grid
 * nodes sit on the window's corners, edge midpoints and centre, with taps clamped to the grid.
 * Then the taps of the interpolation, mirrored ("reflect", edge not repeated) beyond the source's
 * border, as augment/interpolate.ts reads them.
 *
 * It reads `parameters` (an input of the program) and `uniforms.inputSize` (the window's side).
 */
export const samplingParameterLayout = {
  centreRow: 0,
  centreColumn: 1,
  flipRows: 2,
  flipColumns: 3,
  quarterTurns: 4,
  cosineOverScale: 5,
  sineOverScale: 6,
  /** 0 when there is no elastic deformation. */
  gridSize: 7,
  /** Then gridSize x gridSize x 2 displacements, (row, column) per node, row-major. */
  displacements: 8,
} as const;

export const samplingMapSnippet = `
  // Keys' cubic kernel with a = -0.5 at the distance f in [0, 1) past tap 1, as interpolate.ts's cubicWeights.
  fn catmullRomWeights(f : f32) -> array<f32, 4> {
    let f2 = f * f;
    let f3 = f2 * f;
    return array<f32, 4>(-0.5 * f3 + f2 - 0.5 * f, 1.5 * f3 - 2.5 * f2 + 1.0, -1.5 * f3 + 2.0 * f2 + 0.5 * f, 0.5 * f3 - 0.5 * f2);
  }

  // elastic_field.ts's upsampleDisplacements at one pixel of the window: along rows first, then columns.
  fn elasticDisplacement(row : i32, column : i32) -> vec2<f32> {
    let gridSize = i32(parameters[${samplingParameterLayout.gridSize}]);
    if (gridSize < 2) { return vec2<f32>(0.0, 0.0); }
    let size = uniforms.inputSize;
    var step = 0.0;
    if (size > 1) { step = f32(gridSize - 1) / f32(size - 1); }
    let tRow = f32(row) * step;
    let nodeRow = min(i32(floor(tRow)), gridSize - 1);
    let rowWeights = catmullRomWeights(tRow - f32(nodeRow));
    let tColumn = f32(column) * step;
    let nodeColumn = min(i32(floor(tColumn)), gridSize - 1);
    let columnWeights = catmullRomWeights(tColumn - f32(nodeColumn));
    var sum = vec2<f32>(0.0, 0.0);
    for (var j = 0; j < 4; j = j + 1) {
      let gridColumn = clamp(nodeColumn - 1 + j, 0, gridSize - 1);
      var partial = vec2<f32>(0.0, 0.0);
      for (var i = 0; i < 4; i = i + 1) {
        let gridRow = clamp(nodeRow - 1 + i, 0, gridSize - 1);
        let node = ${samplingParameterLayout.displacements} + (gridRow * gridSize + gridColumn) * 2;
        partial = partial + rowWeights[i] * vec2<f32>(parameters[node], parameters[node + 1]);
      }
      sum = sum + columnWeights[j] * partial;
    }
    return sum;
  }

  // sampling_map.ts's createSamplingMap at the pixel (row, column) of the input window: (source row, source column).
  fn sourcePosition(row : i32, column : i32) -> vec2<f32> {
    let middle = f32(uniforms.inputSize - 1) * 0.5;
    var r = f32(row) - middle;
    var c = f32(column) - middle;
    if (parameters[${samplingParameterLayout.flipRows}] > 0.5) { r = -r; }
    if (parameters[${samplingParameterLayout.flipColumns}] > 0.5) { c = -c; }
    let turns = i32(parameters[${samplingParameterLayout.quarterTurns}]);
    for (var turn = 0; turn < turns; turn = turn + 1) {
      let held = r;
      r = c;
      c = -held;
    }
    let cosine = parameters[${samplingParameterLayout.cosineOverScale}];
    let sine = parameters[${samplingParameterLayout.sineOverScale}];
    let displacement = elasticDisplacement(row, column);
    return vec2<f32>(
      parameters[${samplingParameterLayout.centreRow}] + (cosine * r + sine * c + displacement.x),
      parameters[${samplingParameterLayout.centreColumn}] + (cosine * c - sine * r + displacement.y),
    );
  }

  // The index seen at index in a mirrored row of size pixels (interpolate.ts's reflect).
  fn mirrorIndex(index : i32, size : i32) -> i32 {
    if (index >= 0 && index < size) { return index; }
    if (size == 1) { return 0; }
    let period = 2 * (size - 1);
    var phase = index % period;
    if (phase < 0) { phase = phase + period; }
    return select(period - phase, phase, phase < size);
  }

  // Math.round's nearest pixel (halves go up), mirrored into the source.
  fn nearestIndex(position : f32, size : i32) -> i32 {
    return mirrorIndex(i32(floor(position + 0.5)), size);
  }
`;
