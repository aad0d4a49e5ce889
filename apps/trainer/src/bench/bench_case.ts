import * as tf from '@tensorflow/tfjs-core';
import '@unet/core/register-gradients';
import { frugalVariableGrads } from '@unet/core';
import { createUNet, presetConfig, type PresetName } from '@unet/model';
import { createOptimizer, weightedCrossEntropy } from '@unet/train';
import { forwardGflop } from './flops.js';
import { type ProfileTiming, profileStep } from './profile_step.js';

export type BenchBackend = 'native' | 'webgpu' | 'wasm' | 'cpu';
/** tfjs on a backend, or ONNX Runtime (onnxruntime-node, CPU provider) on the exported graph. */
export type BenchEngine = 'tfjs' | 'onnxruntime';
export type BenchMode = 'forward' | 'train';

/** One measurement: a backend, a preset, forward or train step. */
export interface BenchCase {
  backend: BenchBackend;
  preset: PresetName;
  mode: BenchMode;
  runs: number;
  warmup: number;
  /** Default tfjs; onnxruntime ignores `backend` and times forward passes only. */
  engine?: BenchEngine;
  /** ONNX Runtime's intra-op threads (default: every core). */
  threads?: number;
  /** An ONNX file (torch_unet.py --export-onnx's) that ONNX Runtime times as it is: onnx_file_case.ts. */
  onnxFile?: string;
  /** After the timed runs, one more run under tf.profile: the kernels that took the most time (profile_step.ts). */
  profile?: boolean;
  /** Tiles per step and their side in px instead of the preset's (benchInputs): a smaller case, e.g. for a software adapter. */
  batch?: number;
  size?: number;
}

/** One kernel of a profiled step: its time summed over its calls (GPU time on webgpu, from timestamp queries). */
export interface KernelTime {
  kernel: string;
  calls: number;
  ms: number;
}

/** The two presets' inputs, as ../shared/bench/torch_unet.py times them. */
export const benchInputs: Record<PresetName, { batch: number; size: number }> = {
  paper: { batch: 1, size: 572 },
  small: { batch: 4, size: 256 },
};

/** The fields of torch_unet.py's RESULT line, with framework 'tfjs' and the backend. */
export interface BenchResult {
  framework: 'tfjs' | 'pytorch' | 'onnxruntime';
  backend: string;
  version: string;
  preset: PresetName;
  mode: BenchMode;
  threads: number;
  outputShape: number[];
  runsMs: number[];
  medianMs: number;
  gflop: number;
  gflopPerSecond: number;
  parameters: number;
  peakRssMiB: number;
  /** webgpu: the adapter, and the compute dispatches of one step. */
  adapter?: string;
  dispatchesPerStep?: number;
  /** tfjs: the input, tiles per step and their side in px (the preset's, unless --batch or --size). */
  batch?: number;
  size?: number;
  /** --profile: the kernels of one step by time, most first (top 15). */
  topKernels?: KernelTime[];
  /** --profile: where the kernel times come from (ProfileTiming), their sum over the whole step, and its kernel calls. */
  profileTiming?: ProfileTiming;
  profiledMs?: number;
  profiledCalls?: number;
}

async function useBackend(backend: BenchBackend): Promise<{ threads: number; adapter?: string }> {
  if (backend === 'webgpu') {
    // Asked for by name: a software adapter is allowed (and named in the result).
    const { loadNodeWebGPUBackend } = await import('../backends/node_webgpu.js');
    const { adapter, software } = await loadNodeWebGPUBackend(true);
    if (!(await tf.setBackend('webgpu'))) throw new Error(`the webgpu backend failed to initialise on ${adapter}`);
    return { threads: 1, adapter: software ? `${adapter} (software)` : adapter };
  }
  if (backend === 'native') {
    const native = await import('@unet/backend-native');
    await tf.setBackend(native.nativeBackendName);
    const status = native.nativeAddonStatus();
    return { threads: status.available ? status.threads : 1 };
  }
  await import(backend === 'wasm' ? '@tensorflow/tfjs-backend-wasm' : '@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend(backend))) throw new Error(`the ${backend} backend failed to initialise`);
  return { threads: 1 };
}

/**
 * Times `runs` forward passes (inference mode, logits) or train steps (forward, softmax
 * cross-entropy on integer labels as unet train's weightedCrossEntropy computes it without a
 * weight map, which is PyTorch's F.cross_entropy, backward, Adam at 1e-3) after `warmup` untimed ones, in this process; the
 * caller runs each case in a process of its own so that peak RSS is the case's.
 */
export async function runBenchCase(options: BenchCase): Promise<BenchResult> {
  if (options.engine === 'onnxruntime') return runOnnxRuntimeCase(options);
  const { threads, adapter } = await useBackend(options.backend);
  await tf.ready();
  const batch = options.batch ?? benchInputs[options.preset].batch;
  const size = options.size ?? benchInputs[options.preset].size;
  const config = presetConfig(options.preset, { seed: 1 });
  const model = createUNet(config);
  const input = tf.randomUniform([batch, size, size, config.inputChannels], -1, 1, 'float32', 2) as tf.Tensor4D;
  const outputShape = model.outputShape(input.shape);
  const labels = tf.randomUniform(outputShape.slice(0, 3) as [number, number, number], 0, config.classes, 'int32', 3) as tf.Tensor3D;
  // unet train's Adam (tfjs's, with its update as one kernel where the backend registers it).
  const optimizer = createOptimizer({ name: 'adam', learningRate: 1e-3 });
  // Queues one step's work (on a GPU, without waiting for it) and returns the tensor whose
  // read-back ends the step.
  const launch = (): tf.Tensor => {
    if (options.mode === 'forward') return model.apply(input, { training: false });
    // As @unet/train's trainStep computes gradients (frugalVariableGrads), then Adam.
    const { value, grads } = frugalVariableGrads(
      () => weightedCrossEntropy(model.apply(input, { training: true }), { labels }),
      model.trainableVariables,
    );
    optimizer.applyGradients(model.trainableVariables.map((variable) => ({ name: variable.name, tensor: grads[variable.name]! })));
    tf.dispose(Object.values(grads));
    return value;
  };
  const step = async () => {
    const result = launch();
    await result.data();
    result.dispose();
  };
  const runsMs: number[] = [];
  for (let run = 0; run < options.warmup + options.runs; run++) {
    const start = performance.now();
    await step();
    if (run >= options.warmup) runsMs.push(performance.now() - start);
  }
  const medianMs = median(runsMs);
  const dispatchesPerStep = options.backend === 'webgpu' ? await countStepDispatches(launch) : undefined;
  const profile = options.profile ? await profileStep(options.backend, step) : undefined;
  const gflop = forwardGflop(config, batch, size) * (options.mode === 'forward' ? 1 : 3);
  const result: BenchResult = {
    framework: 'tfjs',
    backend: options.backend,
    version: tf.version_core,
    preset: options.preset,
    mode: options.mode,
    threads,
    outputShape,
    runsMs: runsMs.map(Math.round),
    medianMs: Math.round(medianMs),
    gflop: round(gflop, 3),
    gflopPerSecond: round(gflop / (medianMs / 1000), 2),
    parameters: model.parameterCount,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    batch,
    size,
    ...(adapter === undefined ? {} : { adapter }),
    ...(dispatchesPerStep === undefined ? {} : { dispatchesPerStep }),
    ...(profile === undefined
      ? {}
      : { topKernels: profile.kernels, profileTiming: profile.timing, profiledMs: profile.totalMs, profiledCalls: profile.calls }),
  };
  tf.dispose([input, labels]);
  optimizer.dispose();
  model.dispose();
  return result;
}

/**
 * The forward pass of the preset as the graph `unet export --onnx` writes (probabilities),
 * timed as session.run on the NCHW input, as the tfjs case times apply (data read back).
 */
async function runOnnxRuntimeCase(options: BenchCase): Promise<BenchResult> {
  if (options.mode !== 'forward') throw new Error('onnxruntime times forward passes only: it does not train');
  const { loadOnnxRuntime } = await import('../onnx/load_onnx_runtime.js');
  const { exportUNetToOnnx, onnxInputName } = await import('@unet/onnx');
  const { runtime, version } = await loadOnnxRuntime();
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  const threads = options.threads ?? (await import('node:os')).availableParallelism();
  const batch = options.batch ?? benchInputs[options.preset].batch;
  const size = options.size ?? benchInputs[options.preset].size;
  const config = presetConfig(options.preset, { seed: 1 });
  const model = createUNet(config);
  const outputShape = model.outputShape([batch, size, size, config.inputChannels]);
  const session = await runtime.InferenceSession.create(exportUNetToOnnx(model), {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  const parameters = model.parameterCount;
  model.dispose();
  const input = new Float32Array(batch * size * size * config.inputChannels).map((_, index) => Math.sin(index) * 0.5);
  const feeds = { [onnxInputName]: new runtime.Tensor('float32', input, [batch, config.inputChannels, size, size]) };
  const runsMs: number[] = [];
  for (let run = 0; run < options.warmup + options.runs; run++) {
    const start = performance.now();
    const outputs = await session.run(feeds);
    if (run >= options.warmup) runsMs.push(performance.now() - start);
    for (const output of Object.values(outputs)) output.dispose?.();
  }
  await session.release();
  const medianMs = median(runsMs);
  const gflop = forwardGflop(config, batch, size);
  return {
    framework: 'onnxruntime',
    backend: 'onnxruntime',
    version,
    preset: options.preset,
    mode: options.mode,
    threads,
    outputShape: [outputShape[0], outputShape[3], outputShape[1], outputShape[2]],
    batch,
    size,
    runsMs: runsMs.map(Math.round),
    medianMs: Math.round(medianMs),
    gflop: round(gflop, 3),
    gflopPerSecond: round(gflop / (medianMs / 1000), 2),
    parameters,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

async function countStepDispatches(launch: () => tf.Tensor): Promise<number> {
  const { countDispatches } = await import('@unet/backend-webgpu');
  let result: tf.Tensor | undefined;
  const { total } = countDispatches(() => {
    result = launch();
  });
  await result!.data();
  result!.dispose();
  return total;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
