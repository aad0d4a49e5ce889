// A seeded synthetic segmentation task for the training tests and the kill-test child process
// (plain JavaScript so that a child `node` runs it without a build step). Each image holds one
// bright disk on a dark, noisy background; the mask marks the disk (class 1). The batch of a
// step depends on (seed, index) alone, as fit requires for exact resumption.

/** mulberry32: a small, fast 32-bit generator; returns floats in [0, 1). */
function generator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A batch source for fit: `batchSize` images of `size` x `size` (1 channel) with masks of the
 * same size (for padded networks), or cropped by `margin` on each side (unpadded ones).
 */
export function diskBatches({ size, batchSize, seed = 1, margin = 0 }) {
  const outputSize = size - 2 * margin;
  return {
    batch(index) {
      const random = generator(seed * 7919 + index * 104729 + 1);
      const images = new Float32Array(batchSize * size * size);
      const masks = new Int32Array(batchSize * outputSize * outputSize);
      for (let item = 0; item < batchSize; item++) {
        const radius = size * (0.15 + 0.2 * random());
        const centreRow = radius + (size - 2 * radius) * random();
        const centreColumn = radius + (size - 2 * radius) * random();
        for (let row = 0; row < size; row++) {
          for (let column = 0; column < size; column++) {
            const inside = (row - centreRow) ** 2 + (column - centreColumn) ** 2 <= radius * radius;
            images[(item * size + row) * size + column] = (inside ? 0.7 : 0.3) + 0.3 * (random() - 0.5);
            const outRow = row - margin;
            const outColumn = column - margin;
            if (outRow >= 0 && outRow < outputSize && outColumn >= 0 && outColumn < outputSize) {
              masks[(item * outputSize + outRow) * outputSize + outColumn] = inside ? 1 : 0;
            }
          }
        }
      }
      return {
        batchSize,
        inputHeight: size,
        inputWidth: size,
        channels: 1,
        outputHeight: outputSize,
        outputWidth: outputSize,
        images,
        masks,
      };
    },
  };
}
