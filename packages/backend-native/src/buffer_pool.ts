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
 *
 * An output of at least `makeRoomFromBytes` that no kept buffer fits makes room for itself: the
 * kept buffer closest to its size is dropped before the caller makes a new one. Kept buffers
 * that fit nothing asked for now are what a pass's peak holds idle (in the paper train step,
 * the decoder's sizes while the encoder's backward pass asks for larger ones), and a new output's
 * pages otherwise come on top of them.
 */
export class BufferPool {
  // Oldest first.
  private readonly kept: ArrayBuffer[] = [];
  private keptBytes = 0;

  constructor(
    readonly limitBytes: number,
    private readonly drop: (buffer: ArrayBuffer) => void = () => {},
    readonly makeRoomFromBytes = Number.POSITIVE_INFINITY,
  ) {}

  /**
   * A Float32Array of `length` elements in kept memory (old contents), or undefined (after
   * dropping the closest kept buffer, for `length` of at least `makeRoomFromBytes`).
   */
  take(length: number): Float32Array | undefined {
    const bytes = length * Float32Array.BYTES_PER_ELEMENT;
    let best = -1;
    for (let index = 0; index < this.kept.length; index++) {
      const size = this.kept[index].byteLength;
      if (size >= bytes && size <= bytes + bytes / 8 && (best < 0 || size < this.kept[best].byteLength)) best = index;
    }
    if (best < 0) {
      if (bytes >= this.makeRoomFromBytes) this.dropClosest(bytes);
      return undefined;
    }
    return new Float32Array(this.remove(best), 0, length);
  }

  /** Keeps `buffer` for later takes; the caller must hold no other reference to it. */
  release(buffer: ArrayBuffer): void {
    if (buffer.byteLength > this.limitBytes) {
      this.drop(buffer);
      return;
    }
    while (this.keptBytes + buffer.byteLength > this.limitBytes) {
      this.drop(this.remove(0));
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

  private dropClosest(bytes: number): void {
    let closest = -1;
    for (let index = 0; index < this.kept.length; index++) {
      const distance = Math.abs(this.kept[index].byteLength - bytes);
      if (closest < 0 || distance < Math.abs(this.kept[closest].byteLength - bytes)) closest = index;
    }
    if (closest >= 0) this.drop(this.remove(closest));
  }

  private remove(index: number): ArrayBuffer {
    const [buffer] = this.kept.splice(index, 1);
    this.keptBytes -= buffer.byteLength;
    return buffer;
  }
}
