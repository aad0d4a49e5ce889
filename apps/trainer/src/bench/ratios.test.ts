import { describe, expect, it } from 'vitest';
import type { BenchResult } from './bench_case.js';
import { ratioLines } from './ratios.js';

function result(backend: string, preset: 'small' | 'paper', mode: 'forward' | 'train', medianMs: number, peakRssMiB: number): BenchResult {
  return {
    framework: 'tfjs',
    backend,
    version: 'test',
    preset,
    mode,
    threads: 2,
    outputShape: [],
    runsMs: [medianMs],
    medianMs,
    gflop: 1,
    gflopPerSecond: 1,
    parameters: 1,
    peakRssMiB,
  };
}

describe('ratioLines', () => {
  it("gives ours / the reference's time and peak RSS, to two decimals, for each of ours on the reference's case only", () => {
    const ours = [
      result('native', 'small', 'forward', 767, 720),
      result('onnxruntime', 'small', 'forward', 1085, 388),
      result('native', 'small', 'train', 2000, 900),
      result('native', 'paper', 'forward', 6980, 1324),
    ];
    const reference = { ...result('onnxruntime-pytorch-graph', 'small', 'forward', 400, 300), framework: 'onnxruntime' as const };
    expect(ratioLines(ours, reference, 'vs-onnxruntime')).toEqual([
      // 767 / 400 = 1.9175, 720 / 300 = 2.4
      { ratio: 'vs-onnxruntime', backend: 'native', preset: 'small', mode: 'forward', timeRatio: 1.92, peakRssRatio: 2.4 },
      // 1085 / 400 = 2.7125, 388 / 300 = 1.2933
      { ratio: 'vs-onnxruntime', backend: 'onnxruntime', preset: 'small', mode: 'forward', timeRatio: 2.71, peakRssRatio: 1.29 },
    ]);
  });

  it('gives no line where none of ours ran the case (every backend failed)', () => {
    expect(ratioLines([], result('pytorch', 'paper', 'train', 1, 1), 'vs-pytorch')).toEqual([]);
  });
});
