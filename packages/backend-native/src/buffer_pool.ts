/**
 * Float32Arrays of disposed tensors, kept by length for the next kernel output of that length.
 * A fresh large Float32Array costs its zeroing and a page fault per 4 KiB on first touch
 * (measured here: 144 ms to allocate and fill 64 MiB, 22 ms to fill a reused one), and a forward
 * pass of the small preset makes dozens of activation-sized outputs; the same shapes come back
 * every step, so their arrays can be reused.
 */
export class BufferPool {
  private readonly free = new Map<number, Float32Array[]>();
  private pooledBytes = 0;

  /** Holds at most `limitBytes`; a release beyond it is left to the garbage collector. */
  constructor(readonly limitBytes: number) {}

  /** A released array of exactly `length` elements (contents left from its last use), or undefined. */
  take(length: number): Float32Array | undefined {
    const arrays = this.free.get(length);
    const array = arrays?.pop();
    if (array !== undefined) this.pooledBytes -= array.byteLength;
    return array;
  }

  /** Keeps `array` for a later take of its length; the caller must hold no other reference to its memory. */
  release(array: Float32Array): void {
    if (this.pooledBytes + array.byteLength > this.limitBytes) return;
    const arrays = this.free.get(array.length);
    if (arrays === undefined) this.free.set(array.length, [array]);
    else arrays.push(array);
    this.pooledBytes += array.byteLength;
  }

  /** The bytes held for reuse. */
  get bytes(): number {
    return this.pooledBytes;
  }

  clear(): void {
    this.free.clear();
    this.pooledBytes = 0;
  }
}
