/**
 * Where touching objects meet: the pixels of an instance image that have an 8-neighbour with
 * a different non-zero id. The paper trains its cell networks on masks where these pixels are
 * background ("the separation border between touching cells"), so that the network can learn
 * to leave a gap between two cells and the weight map can stress that gap; the masks of the
 * Cell Tracking Challenge have none (touching cells share an edge).
 *
 * @param instances // [height, width] instance ids, 0 = background
 * @returns // [height, width] 1 on a border between two different instances, else 0
 */
export function touchingInstanceBorders(instances: ArrayLike<number>, height: number, width: number): Uint8Array {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 0 || width < 0 || instances.length !== height * width) {
    throw new RangeError(
      `instance_borders.ts: ${instances.length} instance pixels are not ${height} x ${width}: pass the height and width of the image`,
    );
  }
  const borders = new Uint8Array(instances.length);
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      const id = instances[row * width + column]!;
      if (id === 0) continue;
      search: for (let dy = -1; dy <= 1; dy++) {
        const y = row + dy;
        if (y < 0 || y >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const x = column + dx;
          if (x < 0 || x >= width) continue;
          const other = instances[y * width + x]!;
          if (other !== 0 && other !== id) {
            borders[row * width + column] = 1;
            break search;
          }
        }
      }
    }
  }
  return borders;
}
