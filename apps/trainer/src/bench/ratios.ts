import type { PresetName } from '@unet/model';
import type { BenchMode, BenchResult } from './bench_case.js';

/** ours / a reference for one case: time (lower is better) and peak memory. */
export interface BenchRatio {
  /** vs-pytorch: torch_unet.py's own run; vs-onnxruntime: ONNX Runtime on torch_unet.py's ONNX export. */
  ratio: 'vs-pytorch' | 'vs-onnxruntime';
  backend: string;
  preset: PresetName;
  mode: BenchMode;
  timeRatio: number;
  peakRssRatio: number;
}

/**
 * One ratio line for each of `ours` on the reference's preset and mode (each tfjs backend, and
 * the onnxruntime engine on our export), to two decimals: ours / reference.
 */
export function ratioLines(ours: readonly BenchResult[], reference: BenchResult, ratio: BenchRatio['ratio']): BenchRatio[] {
  return ours
    .filter((result) => result.preset === reference.preset && result.mode === reference.mode)
    .map((result) => ({
      ratio,
      backend: result.backend,
      preset: reference.preset,
      mode: reference.mode,
      timeRatio: Number((result.medianMs / reference.medianMs).toFixed(2)),
      peakRssRatio: Number((result.peakRssMiB / reference.peakRssMiB).toFixed(2)),
    }));
}
