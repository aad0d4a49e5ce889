import { readFile } from 'node:fs/promises';
import { benchInputs, type BenchCase, type BenchResult, median, round } from './bench_case.js';
import { forwardGflop } from './flops.js';

/** The backend name of ONNX Runtime on another exporter's file (PyTorch's), beside ours on our export ('onnxruntime'). */
export const onnxFileBackend = 'onnxruntime-pytorch-graph';

/**
 * ONNX Runtime's forward pass of an ONNX file as it is (torch_unet.py --export-onnx: input 'x',
 * output 'y' logits, fixed sizes), on the preset's input: a reference that is neither our graph
 * nor our runtime. The session keeps onnxruntime-node's defaults (CPU provider, its own graph
 * optimisations and inter-op threads) apart from `threads` intra-op threads; the caller's
 * environment does not set OMP_WAIT_POLICY for it.
 */
export async function runOnnxFileCase(options: BenchCase & { onnxFile: string }): Promise<BenchResult> {
  if (options.mode !== 'forward') throw new Error('an ONNX file is timed for forward passes only');
  const { loadOnnxRuntime } = await import('../onnx/load_onnx_runtime.js');
  const { importOnnxUNet } = await import('@unet/onnx');
  const { runtime, version } = await loadOnnxRuntime();
  const bytes = await readFile(options.onnxFile);
  // Read as `unet import` reads it: a file that is not a U-Net says so here. `parameters` counts
  // the weights the file stores (PyTorch folds batch norm into the convolutions: not the preset's count).
  const { config, weights } = importOnnxUNet(bytes, options.onnxFile);
  const parameters = [...weights.values()].reduce((sum, weight) => sum + weight.values.length, 0);
  const threads = options.threads ?? (await import('node:os')).availableParallelism();
  const session = (await runtime.InferenceSession.create(bytes, { intraOpNumThreads: threads })) as Awaited<
    ReturnType<typeof runtime.InferenceSession.create>
  > & { inputNames: readonly string[] };
  const { batch, size } = benchInputs[options.preset];
  // The input of the onnxruntime engine's case (bench_case.ts), so that both sessions see the same values.
  const input = new Float32Array(batch * size * size * config.inputChannels).map((_, index) => Math.sin(index) * 0.5);
  const feeds = { [session.inputNames[0]]: new runtime.Tensor('float32', input, [batch, config.inputChannels, size, size]) };
  const runsMs: number[] = [];
  let outputShape: number[] = [];
  for (let run = 0; run < options.warmup + options.runs; run++) {
    const start = performance.now();
    const outputs = await session.run(feeds);
    if (run >= options.warmup) runsMs.push(performance.now() - start);
    outputShape = [...(Object.values(outputs)[0]?.dims ?? [])];
    for (const output of Object.values(outputs)) output.dispose?.();
  }
  await session.release();
  const medianMs = median(runsMs);
  const gflop = forwardGflop(config, batch, size);
  return {
    framework: 'onnxruntime',
    backend: onnxFileBackend,
    version,
    preset: options.preset,
    mode: options.mode,
    threads,
    outputShape,
    runsMs: runsMs.map(Math.round),
    medianMs: Math.round(medianMs),
    gflop: round(gflop, 3),
    gflopPerSecond: round(gflop / (medianMs / 1000), 2),
    parameters,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
