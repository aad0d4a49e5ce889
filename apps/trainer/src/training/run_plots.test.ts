import type { LogRecord } from '@unet/train';
import { describe, expect, it } from 'vitest';
import { currentRecords, lossSeries, measureSeries } from './run_plots.js';

const time = '2026-11-26T00:00:00Z';
const step = (n: number, loss: number): LogRecord => ({
  type: 'step',
  time,
  step: n,
  epoch: 0,
  loss,
  learningRate: 1e-3,
  gradientNorm: 1,
  imagesPerSecond: 1,
  seconds: 1,
});

describe('run plots', () => {
  it('drops what a killed run logged after the step its resumption started from', () => {
    const records: LogRecord[] = [
      { type: 'start', time, step: 0, totalSteps: 4, resumedFrom: null, config: {} },
      step(1, 1),
      step(2, 0.9),
      step(3, 5),
      { type: 'start', time, step: 2, totalSteps: 4, resumedFrom: 'step-2', config: {} },
      step(3, 0.8),
      step(4, 0.7),
    ];
    expect(
      currentRecords(records)
        .filter((record) => record.type === 'step')
        .map((record) => [record.step, (record as { loss: number }).loss]),
    ).toEqual([
      [1, 1],
      [2, 0.9],
      [3, 0.8],
      [4, 0.7],
    ]);
  });

  it('smooths the loss over a window', () => {
    const [raw, smoothed] = lossSeries([step(1, 1), step(2, 3), step(3, 5)], 2);
    expect(raw.points).toEqual([
      [1, 1],
      [2, 3],
      [3, 5],
    ]);
    expect(smoothed.points).toEqual([
      [1, 1],
      [2, 2],
      [3, 4],
    ]);
  });

  it('plots the measures that validation reported', () => {
    const series = measureSeries([
      { type: 'validation', time, step: 10, measures: { iou: 0.5, pixelError: 0.2 }, best: true },
      { type: 'validation', time, step: 20, measures: { iou: 0.6, pixelError: 0.1 }, best: true },
    ]);
    expect(series.map((line) => line.name)).toEqual(['iou', 'pixelError']);
    expect(series[0].points).toEqual([
      [10, 0.5],
      [20, 0.6],
    ]);
  });
});
