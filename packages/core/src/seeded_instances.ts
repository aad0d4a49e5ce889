import { labelConnectedComponents } from './connected_components.js';

/** How `seededInstances` parts a probability map into objects. */
export interface SeededInstanceOptions {
  /** A pixel belongs to some object where its probability is at least this: 0.5. */
  threshold?: number;
  /** Seeds: the 4-connected components where the probability is at least this: 0.9. */
  seedThreshold?: number;
  /** Seeds smaller than this many pixels are noise and seed nothing: 10. */
  minimumSeedSize?: number;
}

/**
 * Object instances from a foreground probability map, parting objects that touch.
 *
 * The connected components of `probability >= threshold` join two cells wherever a few pixels
 * between them stay above the threshold. The cores of the cells, where the network is sure
 * (`probability >= seedThreshold`), are apart more often; each core seeds one object, which
 * then grows over the foreground pixels in order of falling probability (a marker-controlled
 * watershed on the probability), so that a weak bridge goes to whichever cell reaches it
 * first. Foreground pieces that hold no seed keep their own component.
 *
 * @param probability // [height, width] foreground probability
 * @returns // [height, width] object ids 1, 2, ... (seeded objects first, in raster order of their seeds), 0 = background
 */
export function seededInstances(
  probability: ArrayLike<number>,
  height: number,
  width: number,
  options: SeededInstanceOptions = {},
): Int32Array {
  const { threshold = 0.5, seedThreshold = 0.9, minimumSeedSize = 10 } = options;
  const size = height * width;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 0 || width < 0 || probability.length !== size) {
    throw new RangeError(
      `seeded_instances.ts: ${probability.length} probabilities are not ${height} x ${width}: pass the map's height and width`,
    );
  }
  if (!(seedThreshold >= threshold)) {
    throw new RangeError(
      `seeded_instances.ts: seedThreshold ${seedThreshold} is below threshold ${threshold}: seeds must lie inside the objects`,
    );
  }
  const seedMask = Uint8Array.from({ length: size }, (_, pixel) => (probability[pixel]! >= seedThreshold ? 1 : 0));
  const seeds = labelConnectedComponents(seedMask, height, width, 4);
  const seedSizes = new Int32Array(seeds.count + 1);
  for (let pixel = 0; pixel < size; pixel++) seedSizes[seeds.labels[pixel]!]! += 1;
  const labels = new Int32Array(size);
  const renamed = new Int32Array(seeds.count + 1);
  let next = 0;
  const queue = new PixelQueue(probability);
  for (let pixel = 0; pixel < size; pixel++) {
    const seed = seeds.labels[pixel]!;
    if (seed === 0 || seedSizes[seed]! < minimumSeedSize) continue;
    if (renamed[seed] === 0) renamed[seed] = ++next;
    labels[pixel] = renamed[seed]!;
    queue.push(pixel);
  }
  // Grow: the most probable unlabelled foreground neighbour of any object joins it first.
  const neighbours = [-width, width, -1, 1];
  while (queue.size > 0) {
    const pixel = queue.pop();
    const row = Math.floor(pixel / width);
    const column = pixel - row * width;
    for (const offset of neighbours) {
      if ((offset === -1 && column === 0) || (offset === 1 && column === width - 1)) continue;
      const other = pixel + offset;
      if (other < 0 || other >= size || labels[other] !== 0 || !(probability[other]! >= threshold)) continue;
      labels[other] = labels[pixel]!;
      queue.push(other);
    }
  }
  // Foreground that no seed reached: its own components.
  const leftover = Uint8Array.from({ length: size }, (_, pixel) => (labels[pixel] === 0 && probability[pixel]! >= threshold ? 1 : 0));
  const rest = labelConnectedComponents(leftover, height, width, 4);
  for (let pixel = 0; pixel < size; pixel++) if (rest.labels[pixel]! > 0) labels[pixel] = next + rest.labels[pixel]!;
  return labels;
}

/** A max-heap of pixels by probability (ties: the pixel pushed first comes first). */
class PixelQueue {
  private readonly pixels: number[] = [];
  private readonly order: number[] = [];
  private pushed = 0;

  constructor(private readonly probability: ArrayLike<number>) {}

  get size(): number {
    return this.pixels.length;
  }

  push(pixel: number): void {
    this.pixels.push(pixel);
    this.order.push(this.pushed++);
    let index = this.pixels.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(index, parent)) break;
      this.swap(index, parent);
      index = parent;
    }
  }

  pop(): number {
    const top = this.pixels[0]!;
    const lastPixel = this.pixels.pop()!;
    const lastOrder = this.order.pop()!;
    if (this.pixels.length > 0) {
      this.pixels[0] = lastPixel;
      this.order[0] = lastOrder;
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        const right = left + 1;
        let best = index;
        if (left < this.pixels.length && this.before(left, best)) best = left;
        if (right < this.pixels.length && this.before(right, best)) best = right;
        if (best === index) break;
        this.swap(index, best);
        index = best;
      }
    }
    return top;
  }

  private before(a: number, b: number): boolean {
    const pa = this.probability[this.pixels[a]!]!;
    const pb = this.probability[this.pixels[b]!]!;
    return pa > pb || (pa === pb && this.order[a]! < this.order[b]!);
  }

  private swap(a: number, b: number): void {
    [this.pixels[a], this.pixels[b]] = [this.pixels[b]!, this.pixels[a]!];
    [this.order[a], this.order[b]] = [this.order[b]!, this.order[a]!];
  }
}
