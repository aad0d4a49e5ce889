import type * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from './addon_status.js';
import { BufferPool } from './buffer_pool.js';

// Smaller outputs cost little to allocate and are not worth the bookkeeping.
const pooledFromLength = 4096;
// Outputs this large are page buffers: whole 2 MiB pages (see native/page_buffers.cc).
const pageBufferFromBytes = 2 * 1024 * 1024;
// What the pool may hold: kept memory adds to peak RSS, and memory not kept is faulted in afresh
// (and zeroed) by the next output of its size, which in a virtual machine costs more than the
// kernel. Since outputs no kept buffer fits are gathered from kept ones' pages, little is idle at
// a pass's peak and little is faulted in: on the 2-core AMD EPYC VM of 2026-12-07, the paper train
// step in three interleaved rounds against the pool before (768 MiB, which dropped the closest
// kept buffer instead): peak RSS 1528-1544 -> 1346-1352 MiB at 512 (1372-1416 at 768), page faults
// a step about 34,000 -> 950, median steps 3.72 / 4.03 / 3.56 -> 3.39 / 3.07 / 3.02 s.
// docs/bench-results/2026-12-07-native-page-buffers.txt has the runs.
const poolLimitBytes = 512 * 1024 * 1024;
// Gathering starts once page buffers hold this much: below it an output that no kept buffer fits
// is made afresh, so that a pass that needs little memory settles, after its first pass, on kept
// buffers of every size it asks for, and gathers nothing. Writes into a buffer gathered from
// several others' pages ran slower (the small forward pass's last 16-channel convolution: 10.8 ms
// into one gathered from five buffers, 4.2 ms into a kept one; the cause is not known), and that
// pass gathered a dozen outputs. On the 2-core AMD EPYC VM of 2026-12-08, six interleaved rounds
// (docs/bench-results/2026-12-08-native-gather-above.txt): small forward medians 88-116 -> 82-102
// ms, lower or equal in every round, its peak RSS 210-218 -> 242-252 MiB; the paper preset's cases
// and the small train step pass 256 MiB and kept their peaks.
const gatherAboveBytes = 256 * 1024 * 1024;

type BackendValues = tf.backend_util.BackendValues;

/**
 * tfjs's cpu backend with its heavy kernels replaced by oneDNN ones. Tensors stay where the cpu
 * backend keeps them, in JavaScript typed arrays, which the addon reads and writes in place; so
 * every cpu kernel still works on this backend unchanged, and only the overridden ones
 * (see register.ts) run natively.
 *
 * Native kernels take their outputs from `output()`, which reuses the memory of disposed
 * tensors. Memory is reused only when nothing can still see it: every tensor whose values lie in
 * it (cpu kernels such as a simple slice return views of their input) is disposed, and no array
 * of it was handed out by read or readSync (a program may keep the values of a disposed tensor).
 */
export class NativeBackend extends MathBackendCPU {
  // Outputs of 2 MiB or more are page buffers (native/page_buffers.cc): what the pool drops of
  // them nothing can read, so their memory goes back to the system at once, and an output no kept
  // buffer fits is made of kept ones' pages. Smaller ones the garbage collector frees.
  private readonly pool = new BufferPool({
    limitBytes: poolLimitBytes,
    drop: (buffer) => {
      if (buffer.byteLength >= pageBufferFromBytes) this.addon.freePageBuffer(buffer);
    },
    gather: (donors, bytes) => this.addon.gatherPageBuffer(donors, bytes),
    gatherFromBytes: pageBufferFromBytes,
    gatherAbove: { bytes: gatherAboveBytes, mapped: () => this.addon.pageBufferBytes() },
  });
  // Memory that output() made: how many live tensors' values lie in each buffer.
  private readonly owned = new WeakSet<ArrayBufferLike>();
  private readonly liveTensors = new Map<ArrayBufferLike, number>();
  private readonly escaped = new WeakSet<ArrayBufferLike>();

  constructor(readonly addon: NativeAddon) {
    super();
    // The cpu backend's first write prints advice to install tfjs-node; this backend is the
    // native one that advice is about.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  /** The float32 values of `tensor` as the Float32Array the addon needs. */
  floats(tensor: tf.TensorInfo): Float32Array {
    const values = this.data.get(tensor.dataId).values;
    return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
  }

  /**
   * A Float32Array of `length` for a kernel's output. Its contents are undefined (reused memory
   * keeps its old values): the kernel must write every element.
   */
  output(length: number): Float32Array {
    if (length < pooledFromLength) return new Float32Array(length);
    const bytes = length * Float32Array.BYTES_PER_ELEMENT;
    const values =
      this.pool.take(length) ??
      (bytes >= pageBufferFromBytes ? new Float32Array(this.addon.pageBuffer(bytes), 0, length) : new Float32Array(length));
    this.owned.add(values.buffer);
    return values;
  }

  /**
   * Runs `use` with a Float32Array of `length` (any contents) that lives only during the call,
   * a kernel's scratch: pooled memory that goes back to the pool after, as a disposed output's
   * does (a fresh 16 MB array at the small preset's top level tripled the up-convolution's time
   * with its page faults, 10 -> 30 ms, on the 2-core AMD EPYC VM of 2026-12-07).
   */
  withScratch<T>(length: number, use: (scratch: Float32Array) => T): T {
    const scratch = this.output(length);
    try {
      return use(scratch);
    } finally {
      if (this.owned.has(scratch.buffer) && scratch.buffer instanceof ArrayBuffer) this.pool.release(scratch.buffer);
    }
  }

  /**
   * Whether a kernel may write its result over `tensor`'s values: memory this backend made,
   * held by this one tensor alone (no clone, no other tensor over the same buffer) and never
   * handed to JavaScript by a read. The caller then returns the tensor's own data id as its
   * output (after `incRef`), as tfjs's Identity does.
   */
  mayOverwrite(tensor: tf.TensorInfo): boolean {
    const values = this.data.get(tensor.dataId)?.values;
    if (!ArrayBuffer.isView(values) || !this.owned.has(values.buffer) || this.escaped.has(values.buffer)) return false;
    return this.refCount(tensor.dataId) === 1 && this.liveTensors.get(values.buffer) === 1;
  }

  override write(values: BackendValues, shape: number[], dtype: tf.DataType): tf.DataId {
    this.track(values);
    return super.write(values, shape, dtype);
  }

  override move(dataId: tf.DataId, values: BackendValues, shape: number[], dtype: tf.DataType, refCount: number): void {
    this.track(values);
    super.move(dataId, values, shape, dtype, refCount);
  }

  override readSync(dataId: tf.DataId): tf.backend_util.BackendValues {
    const values = this.data.get(dataId)?.values;
    if (ArrayBuffer.isView(values)) this.escaped.add(values.buffer);
    return super.readSync(dataId);
  }

  override disposeData(dataId: tf.DataId, force = false): boolean {
    const values = this.data.has(dataId) ? this.data.get(dataId).values : undefined;
    const released = super.disposeData(dataId, force);
    if (values !== undefined && !this.data.has(dataId)) this.untrack(values);
    return released;
  }

  override dispose(): void {
    this.pool.clear();
    this.liveTensors.clear();
    super.dispose();
  }

  private track(values: BackendValues): void {
    if (!ArrayBuffer.isView(values) || !this.owned.has(values.buffer)) return;
    this.liveTensors.set(values.buffer, (this.liveTensors.get(values.buffer) ?? 0) + 1);
  }

  private untrack(values: BackendValues): void {
    if (!ArrayBuffer.isView(values) || !this.owned.has(values.buffer)) return;
    const buffer = values.buffer;
    const live = (this.liveTensors.get(buffer) ?? 1) - 1;
    if (live > 0) {
      this.liveTensors.set(buffer, live);
      return;
    }
    this.liveTensors.delete(buffer);
    if (!this.escaped.has(buffer) && buffer instanceof ArrayBuffer) this.pool.release(buffer);
  }
}
