import { checkImageSize } from './image_size.js';
/**
 * Connected-component labelling of a binary mask: the weight map needs separate cells, and a
 * binary ground truth only says "cell" or "not cell", so the cells are its foreground's
 * components. Images are row-major [height, width].
 */

/** A mask whose length does not match its stated size, or an unknown connectivity. */
export class ConnectedComponentsError extends Error {
  override readonly name = 'ConnectedComponentsError';

  constructor(message: string) {
    super(message);
  }
}

/** The labels of the components, and how many there are. */
export interface ConnectedComponents {
  /** [height, width], row-major: 0 for background, 1..count for the components in scan order. */
  labels: Int32Array;
  count: number;
}

const FOUR_NEIGHBOURS: readonly (readonly [number, number])[] = [
  [-1, 0],
  [1, 0],
  [0, -1],
  [0, 1],
];
const EIGHT_NEIGHBOURS: readonly (readonly [number, number])[] = [...FOUR_NEIGHBOURS, [-1, -1], [-1, 1], [1, -1], [1, 1]];

/**
 * Labels the nonzero pixels of `mask` by connected component. With `connectivity` 4 pixels join
 * through shared edges only; with 8, corners join them too. Components are numbered in the order
 * their first pixel is met in a row-major scan.
 *
 * @param mask // [height, width], row-major; nonzero (or true) is foreground
 */
export function labelConnectedComponents(
  mask: ArrayLike<number | boolean>,
  height: number,
  width: number,
  connectivity: 4 | 8 = 4,
): ConnectedComponents {
  checkImageSize('connected_components.ts', 'mask', mask.length, height, width, (message) => new ConnectedComponentsError(message));
  if (connectivity !== 4 && connectivity !== 8) {
    throw new ConnectedComponentsError(
      `connected_components.ts: connectivity must be 4 or 8, got ${String(connectivity)}; use 4 (edges only) or 8 (edges and corners).`,
    );
  }
  const neighbours = connectivity === 4 ? FOUR_NEIGHBOURS : EIGHT_NEIGHBOURS;
  const size = height * width;
  const labels = new Int32Array(size);
  // An explicit stack rather than recursion: one large cell would overflow the call stack.
  const stack = new Int32Array(size);
  let count = 0;
  for (let start = 0; start < size; start++) {
    if (!mask[start] || labels[start] !== 0) continue;
    count++;
    labels[start] = count;
    let top = 0;
    stack[top++] = start;
    while (top > 0) {
      const index = stack[--top]!;
      const row = Math.floor(index / width);
      const column = index - row * width;
      for (const [dRow, dColumn] of neighbours) {
        const r = row + dRow;
        const c = column + dColumn;
        if (r < 0 || r >= height || c < 0 || c >= width) continue;
        const neighbour = r * width + c;
        if (!mask[neighbour] || labels[neighbour] !== 0) continue;
        labels[neighbour] = count;
        stack[top++] = neighbour;
      }
    }
  }
  return { labels, count };
}
