import type * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from './addon_status.js';
import { BufferPool } from './buffer_pool.js';

// Smaller outputs cost little to allocate and are not worth the bookkeeping.
const pooledFromLength = 4096;
// Arrays of at least 4 MiB hold whole 2 MiB pages worth asking for.
const hugePagesFromLength = (4 * 1024 * 1024) / Float32Array.BYTES_PER_ELEMENT;
// What the pool may hold: kept memory adds to peak RSS, and memory not kept is faulted in afresh
// by the next output of its size, which in a virtual machine costs more than the kernel. Outputs
// from 4 MiB make room for themselves (src/buffer_pool.ts), which lets the pool be larger for
// the same peak. On the 2-core AMD EPYC VM of 2026-12-07, the paper train step in three
// interleaved rounds: before making room, 512 MiB: peak RSS 1629-1636 MiB, median steps 4.24 /
// 3.84 / 3.70 s; making room, 512 MiB: 1415-1421 MiB, 4.67 / 3.91 / 4.51 s; 768 MiB: 1531-1537
// MiB, 3.28 / 3.46 / 3.57 s (and 3.13 / 4.30 / 3.28 s in a second set; 1024 MiB there: 1622-1634
// MiB, 3.81 / 3.53 / 3.54 s). PyTorch 1.13's step peaks at about 1.63 GiB there.
// docs/bench-results/2026-12-07-native-pool-make-room.txt has the runs.
const poolLimitBytes = 768 * 1024 * 1024;
// An output this large that fits no kept buffer drops the closest one before it is made.
const makeRoomFromBytes = hugePagesFromLength * Float32Array.BYTES_PER_ELEMENT;

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
  // What the pool drops nothing can read: its pages go back to the system at once.
  private readonly pool = new BufferPool(poolLimitBytes, (buffer) => this.addon.releasePages(new Float32Array(buffer)), makeRoomFromBytes);
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
    const reused = this.pool.take(length);
    if (reused !== undefined) return reused;
    const created = new Float32Array(length);
    // Before its first write: faulted in 2 MiB pages rather than 4 KiB ones (see native/huge_pages.cc).
    if (length >= hugePagesFromLength) this.addon.adviseHugePages(created);
    this.owned.add(created.buffer);
    return created;
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
