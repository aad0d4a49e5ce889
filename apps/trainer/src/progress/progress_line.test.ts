import { describe, expect, it } from 'vitest';
import { createProgressWriter, formatDuration, formatProgress } from './progress_line.js';

describe('progress line', () => {
  it('paces the time left by the steps this process ran, after a resume', () => {
    // Resumed at step 100 of 200; 10 steps in 20 s -> 90 steps left at 2 s each.
    const line = formatProgress({ step: 110, totalSteps: 200, loss: 0.5, imagesPerSecond: 2, secondsElapsed: 20, firstStep: 100 });
    expect(line).toContain('ETA 3m00s');
  });

  it('formats durations', () => {
    expect([formatDuration(5), formatDuration(65), formatDuration(3725), formatDuration(Number.NaN)]).toEqual([
      '5s',
      '1m05s',
      '1h02m',
      '?',
    ]);
  });

  it('shows step, bar, loss, throughput and the time left', () => {
    const line = formatProgress(
      { step: 25, totalSteps: 100, loss: 0.123456, learningRate: 0.001, imagesPerSecond: 8, secondsElapsed: 50 },
      8,
    );
    expect(line).toBe('step 25/100 [=>      ] loss 0.1235 lr 1.00e-3 8.0 img/s ETA 2m30s');
  });

  it('redraws in place on a terminal and writes whole lines to a log', () => {
    const written: string[] = [];
    const terminal = createProgressWriter({ isTTY: true, write: (text: string) => written.push(text) });
    terminal.update({ step: 1, totalSteps: 2, loss: 1, imagesPerSecond: 1, secondsElapsed: 1 });
    terminal.message('validation: iou 0.5');
    terminal.done();
    expect(written[0].startsWith('\rstep 1/2')).toBe(true);
    expect(written[1]).toBe('\r\u001b[Kvalidation: iou 0.5\n');

    const logged: string[] = [];
    const log = createProgressWriter({ write: (text: string) => logged.push(text) }, 10);
    for (let step = 1; step <= 4; step++) log.update({ step, totalSteps: 4, loss: 1, imagesPerSecond: 1, secondsElapsed: step * 4 });
    expect(logged.map((line) => line.split(' ')[1])).toEqual(['1/4', '4/4']);
  });
});
