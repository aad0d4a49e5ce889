/** What a BufferPool does with the buffers it lets go of and the outputs it does not hold. */
export interface BufferPoolOptions {
  /** The most bytes kept; over it, the oldest kept buffers are dropped. */
  readonly limitBytes: number;
  /** Called with each buffer let go of, which nothing else holds: it can give its memory back at once. */
  readonly drop?: (buffer: ArrayBuffer) => void;
  /**
   * A buffer of at least `bytes` made of the donors' memory, moved into it in order (its contents
   * need not be kept), then what was left of the last donor, if any; the donors are not used
   * again. Outputs of at least `gatherFromBytes` that no kept buffer fits are made so, from kept
   * buffers of at least that size.
   */
  readonly gather?: (donors: ArrayBuffer[], bytes: number) => ArrayBuffer[];
  readonly gatherFromBytes?: number;
  /**
   * Gather only once the memory of gatherable buffers (kept or in use), `mapped()`, and the
   * output's together come to more than `bytes`; below it the caller makes the output afresh.
   */
  readonly gatherAbove?: { readonly bytes: number; readonly mapped: () => number };
}

/**
 * The memory of disposed tensors, kept for the next kernel outputs of about its size.
 * A fresh large Float32Array costs its zeroing and a page fault per 4 KiB on first touch
 * (measured here: 144 ms to allocate and fill 64 MiB, 22 ms to fill a reused one), and a U-Net
 * step makes dozens of activation-sized outputs, the same sizes every step.
 *
 * An output takes the smallest kept buffer that holds it with at most 1/8 to spare (the paper
 * preset's unpadded convolutions make every layer's size a little different, and a gradient
 * comes close to its activation's size). Failing that, with a `gather` function, a large output
 * is made of kept buffers' memory: the smallest kept buffer that holds it (what it does not need
 * is kept), or else the largest ones until it is covered; with `gatherAbove`, only once the
 * gatherable memory would pass it (below, a fresh output lets the pool settle on one buffer of
 * each size a pass asks for). Kept buffers that fit nothing asked for now are what a pass's peak
 * holds idle (in the paper train step, the decoder's sizes while the encoder's backward pass asks
 * for larger ones), and a new output's pages would come on top of them. Over the limit, the oldest kept buffers are dropped: what is kept adds to peak memory,
 * so it must be what is reused soon. A dropped buffer (and one larger than the limit) goes to
 * `drop`, which can give its memory back at once: the garbage collector frees it only at its
 * next collection, and until then it is resident memory.
 */
export class BufferPool {
  // Oldest first.
  private readonly kept: ArrayBuffer[] = [];
  private keptBytes = 0;
  private readonly drop: (buffer: ArrayBuffer) => void;

  constructor(private readonly options: BufferPoolOptions) {
    this.drop = options.drop ?? (() => {});
  }

  get limitBytes(): number {
    return this.options.limitBytes;
  }

  /** A Float32Array of `length` elements in kept memory (old contents), or undefined: the caller makes one. */
  take(length: number): Float32Array | undefined {
    const bytes = length * Float32Array.BYTES_PER_ELEMENT;
    let best = -1;
    for (let index = 0; index < this.kept.length; index++) {
      const size = this.kept[index].byteLength;
      if (size >= bytes && size <= bytes + bytes / 8 && (best < 0 || size < this.kept[best].byteLength)) best = index;
    }
    if (best >= 0) return new Float32Array(this.remove(best), 0, length);
    const { gather } = this.options;
    if (gather === undefined) return undefined;
    const donors = this.donors(bytes);
    if (donors.length === 0) return undefined;
    const [made, ...left] = gather(donors, bytes);
    for (const buffer of left) this.keep(buffer);
    return new Float32Array(made, 0, length);
  }

  /** Keeps `buffer` for later takes; the caller must hold no other reference to it. */
  release(buffer: ArrayBuffer): void {
    if (buffer.byteLength > this.limitBytes) {
      this.drop(buffer);
      return;
    }
    this.keep(buffer);
  }

  /** The bytes kept for reuse. */
  get bytes(): number {
    return this.keptBytes;
  }

  /** Drops every kept buffer. */
  clear(): void {
    for (const buffer of this.kept) this.drop(buffer);
    this.kept.length = 0;
    this.keptBytes = 0;
  }

  private keep(buffer: ArrayBuffer): void {
    while (this.keptBytes + buffer.byteLength > this.limitBytes) {
      this.drop(this.remove(0));
    }
    this.kept.push(buffer);
    this.keptBytes += buffer.byteLength;
  }

  // The kept buffers an output of `bytes` is gathered from, taken out of the pool; none where it
  // is not gathered.
  private donors(bytes: number): ArrayBuffer[] {
    const fromBytes = this.options.gatherFromBytes ?? 0;
    if (bytes < fromBytes) return [];
    const { gatherAbove } = this.options;
    if (gatherAbove !== undefined && gatherAbove.mapped() + bytes <= gatherAbove.bytes) return [];
    const candidates = this.kept.filter((buffer) => buffer.byteLength >= fromBytes);
    const holding = candidates.filter((buffer) => buffer.byteLength >= bytes);
    const chosen: ArrayBuffer[] = [];
    if (holding.length > 0) {
      chosen.push(holding.reduce((smallest, buffer) => (buffer.byteLength < smallest.byteLength ? buffer : smallest)));
    } else {
      let covered = 0;
      for (const buffer of candidates.sort((a, b) => b.byteLength - a.byteLength)) {
        if (covered >= bytes) break;
        chosen.push(buffer);
        covered += buffer.byteLength;
      }
    }
    for (const buffer of chosen) this.remove(this.kept.indexOf(buffer));
    return chosen;
  }

  private remove(index: number): ArrayBuffer {
    const [buffer] = this.kept.splice(index, 1);
    this.keptBytes -= buffer.byteLength;
    return buffer;
  }
}
