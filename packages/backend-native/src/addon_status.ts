import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The functions of the addon (native/*.cc, one file per kernel family). Buffers are NHWC float32; see the C++ for parameters. */
export interface NativeAddon {
  conv2d(x: Float32Array, filter: Float32Array, bias: Float32Array | null, params: Int32Array, relu: number, out: Float32Array): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, params: Int32Array, dx: Float32Array): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, params: Int32Array, dw: Float32Array): void;
  matMul(a: Float32Array, b: Float32Array, params: Int32Array, out: Float32Array): void;
  maxPool(x: Float32Array, params: Int32Array, out: Float32Array): void;
  maxPoolGrad(dy: Float32Array, x: Float32Array, params: Int32Array, dx: Float32Array): void;
  binary(op: number, a: Float32Array, b: Float32Array, params: Int32Array, out: Float32Array): void;
  sumRows(x: Float32Array, params: Int32Array, scale: number, out: Float32Array): void;
  tile(x: Float32Array, params: Int32Array, out: Float32Array): void;
  reluGradient(dy: Float32Array, y: Float32Array, out: Float32Array): void;
  /** Zeros in memory mapped for this buffer alone: `bytes` rounded up to whole 2 MiB pages, advised for huge pages (native/page_buffers.cc). */
  pageBuffer(bytes: number): ArrayBuffer;
  /** A page buffer of `bytes` made of the donors' pages (moved, not copied), then the last donor's pages past it if any; every donor is detached. */
  gatherPageBuffer(donors: ArrayBuffer[], bytes: number): ArrayBuffer[];
  /** Gives a page buffer's memory back now; `buffer` is detached. */
  freePageBuffer(buffer: ArrayBuffer): void;
  /** The bytes of every page buffer not yet freed, gathered or collected. */
  pageBufferBytes(): number;
  adamUpdate(
    value: Float32Array,
    gradient: Float32Array,
    firstMoment: Float32Array,
    secondMoment: Float32Array,
    scalars: Float32Array,
    newValue: Float32Array,
    newFirstMoment: Float32Array,
    newSecondMoment: Float32Array,
  ): void;
  unary(op: number, x: Float32Array, alpha: number, out: Float32Array): void;
  batchNorm(
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    offset: Float32Array | null,
    scale: Float32Array | null,
    epsilon: number,
    out: Float32Array,
  ): void;
  batchNormTraining(
    x: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    epsilon: number,
    relu: boolean,
    y: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
  ): void;
  batchNormTrainingGrad(
    dy: Float32Array,
    x: Float32Array,
    y: Float32Array | null,
    gamma: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    epsilon: number,
    dx: Float32Array,
    dgamma: Float32Array,
    dbeta: Float32Array,
  ): void;
  transpose(x: Float32Array, params: Int32Array, out: Float32Array): void;
  slice(x: Float32Array, params: Int32Array, out: Float32Array): void;
  pad(x: Float32Array, params: Int32Array, value: number, out: Float32Array): void;
  concatRows(parts: Float32Array[], params: Int32Array, out: Float32Array): void;
  upConvolutionConcat(
    x: Float32Array,
    kernel: Float32Array,
    bias: Float32Array,
    skip: Float32Array,
    params: Int32Array,
    work: Float32Array,
    out: Float32Array,
  ): void;
  upConvolutionConcatGrad(
    dy: Float32Array,
    x: Float32Array,
    kernel: Float32Array,
    params: Int32Array,
    work: Float32Array,
    dx: Float32Array,
    dkernel: Float32Array,
    dbias: Float32Array,
    dskip: Float32Array,
  ): void;
  conv2dBatchNormRelu(
    x: Float32Array,
    filter: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    params: Int32Array,
    epsilon: number,
    out: Float32Array,
  ): void;
  weightedCrossEntropy(logits: Float32Array, labels: Int32Array, weights: Float32Array | null, params: Int32Array, out: Float32Array): void;
  weightedCrossEntropyGrad(
    dy: number,
    logits: Float32Array,
    labels: Int32Array,
    weights: Float32Array | null,
    denominator: number,
    params: Int32Array,
    dlogits: Float32Array,
  ): void;
  /** The number of OpenMP threads the kernels use (OMP_NUM_THREADS, else one per core). */
  threads(): number;
  /** oneDNN's version, e.g. '2.6.3'. */
  version(): string;
  /** The geometry fields the addon was compiled with, in the order it reads them (src/kernels/geometry.json's). */
  geometryFields(): { convolution: string[]; pooling: string[] };
}

export type NativeAddonStatus =
  | { available: true; addon: NativeAddon; oneDnnVersion: string; threads: number }
  | { available: false; reason: string };

// From the package root (this file is src/addon_status.ts, compiled to dist/addon_status.js),
// so that the tests, which run the sources, find the addon the build put in dist.
const addonUrl = new URL('../dist/native/unet_native.node', import.meta.url);
const statusUrl = new URL('../dist/native/addon_status.json', import.meta.url);
let cached: NativeAddonStatus | undefined;

/**
 * Whether the oneDNN addon loads here, and why not when it does not. Never throws: backend
 * pickers (the trainer, the test helpers) call it to decide, and print the reason.
 */
export function nativeAddonStatus(): NativeAddonStatus {
  cached ??= loadAddon();
  return cached;
}

function loadAddon(): NativeAddonStatus {
  const addonPath = fileURLToPath(addonUrl);
  if (process.env.UNET_NATIVE_DISABLE === '1') {
    return { available: false, reason: 'UNET_NATIVE_DISABLE=1 is set in the environment' };
  }
  if (!existsSync(addonPath)) {
    return { available: false, reason: buildReason() ?? `${addonPath} does not exist (the package has not been built)` };
  }
  // libgomp reads its settings when the addon loads it. Its default, threads that spin while
  // they wait, turns every oneDNN call into a wait of a scheduler time slice as soon as another
  // process holds a core (measured on 2 cores under load: a 16x16x128 convolution took 63 ms
  // instead of 0.95 ms); sleeping waiters cost microseconds per call on an idle machine.
  process.env.OMP_WAIT_POLICY ??= 'passive';
  try {
    const addon = createRequire(import.meta.url)(addonPath) as NativeAddon;
    return { available: true, addon, oneDnnVersion: addon.version(), threads: addon.threads() };
  } catch (error) {
    return { available: false, reason: `${addonPath} does not load (${(error as Error).message})` };
  }
}

// The reason the build script recorded for not compiling the addon.
function buildReason(): string | undefined {
  try {
    const status = JSON.parse(readFileSync(fileURLToPath(statusUrl), 'utf8')) as { built: boolean; reason: string | null };
    return status.built ? undefined : `it was not built: ${status.reason}`;
  } catch {
    return undefined;
  }
}
