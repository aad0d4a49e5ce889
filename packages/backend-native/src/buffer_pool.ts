/**
 * The memory of disposed tensors, kept for the next kernel outputs of about its size.
 * A fresh large Float32Array costs its zeroing and a page fault per 4 KiB on first touch
 * (measured here: 144 ms to allocate and fill 64 MiB, 22 ms to fill a reused one), and a U-Net
 * step makes dozens of activation-sized outputs, the same sizes every step.
 *
 * An output takes the smallest kept buffer that holds it with at most 1/8 to spare (the paper
 * preset's unpadded convolutions make every layer's size a little different, and a gradient
 * comes close to its activation's size). Over the limit, the oldest kept buffers are dropped:
 * what is kept adds to peak memory, so it must be what is reused soon. A dropped buffer (and one
 * larger than the limit) goes to `drop`, which can give its pages back at once: the garbage
 * collector frees it only at its next collection, and until then it is resident memory.
 */
export class BufferPool {
  // Oldest first.
  private readonly kept: ArrayBuffer[] = [];
  private keptBytes = 0;

  constructor(
    readonly limitBytes: number,
    private readonly drop: (buffer: ArrayBuffer) => void = () => {},
  ) {}

  /** A Float32Array of `length` elements in kept memory (old contents), or undefined. */
  take(length: number): Float32Array | undefined {
    const bytes = length * Float32Array.BYTES_PER_ELEMENT;
    let best = -1;
    for (let index = 0; index < this.kept.length; index++) {
      const size = this.kept[index].byteLength;
      if (size >= bytes && size <= bytes + bytes / 8 && (best < 0 || size < this.kept[best].byteLength)) best = index;
    }
    if (best < 0) return undefined;
    const [buffer] = this.kept.splice(best, 1);
    this.keptBytes -= buffer.byteLength;
    return new Float32Array(buffer, 0, length);
  }

  /** Keeps `buffer` for later takes; the caller must hold no other reference to it. */
  release(buffer: ArrayBuffer): void {
    if (buffer.byteLength > this.limitBytes) {
      this.drop(buffer);
      return;
    }
    while (this.keptBytes + buffer.byteLength > this.limitBytes) {
      const oldest = this.kept.shift()!;
      this.keptBytes -= oldest.byteLength;
      this.drop(oldest);
    }
    this.kept.push(buffer);
    this.keptBytes += buffer.byteLength;
  }

  /** The bytes kept for reuse. */
  get bytes(): number {
    return this.keptBytes;
  }

  clear(): void {
    this.kept.length = 0;
    this.keptBytes = 0;
  }
}
