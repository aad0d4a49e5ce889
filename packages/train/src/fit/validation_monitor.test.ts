import { describe, expect, it } from 'vitest';
import { checkpointDue, validationDue } from './checkpoint_cadence.js';
import { initialProgress, judgeValidation } from './validation_monitor.js';

describe('judgeValidation', () => {
  it('keeps the best of a minimised measure and counts validations without improvement', () => {
    const first = judgeValidation(initialProgress(), { loss: 0.5, iou: 0.2 }, 10, {});
    expect(first).toMatchObject({ monitor: 'loss', value: 0.5, best: true, stop: false });
    const worse = judgeValidation(first.progress, { loss: 0.6, iou: 0.3 }, 20, { patience: 2 });
    expect(worse.best).toBe(false);
    expect(worse.progress).toMatchObject({
      bestValue: 0.5,
      bestStep: 10,
      validationsWithoutImprovement: 1,
      lastMeasures: { loss: 0.6, iou: 0.3 },
    });
    const again = judgeValidation(worse.progress, { loss: 0.55 }, 30, { patience: 2 });
    expect(again.stop).toBe(true);
  });

  it('maximises when asked, and an improvement must exceed minDelta', () => {
    const first = judgeValidation(initialProgress(), { iou: 0.5 }, 1, { monitor: 'iou', mode: 'max' });
    expect(judgeValidation(first.progress, { iou: 0.505 }, 2, { monitor: 'iou', mode: 'max', minDelta: 0.01 }).best).toBe(false);
    expect(judgeValidation(first.progress, { iou: 0.52 }, 2, { monitor: 'iou', mode: 'max', minDelta: 0.01 }).best).toBe(true);
  });

  it('never calls a NaN a new best, and names a monitored measure that is missing', () => {
    expect(judgeValidation(initialProgress(), { loss: Number.NaN }, 1, {}).best).toBe(false);
    expect(() => judgeValidation(initialProgress(), { iou: 1 }, 1, { monitor: 'dice' })).toThrow(/no measure 'dice' \(it returned iou\)/);
  });
});

describe('the cadence', () => {
  const cadence = { validateEvery: 50, checkpointEvery: 20, totalSteps: 130 };
  it('validates every N steps and after the last, checkpoints every M steps and at a new best', () => {
    expect([49, 50, 100, 129, 130].map((step) => validationDue(step, cadence))).toEqual([false, true, true, false, true]);
    expect([20, 30, 40].map((step) => checkpointDue(step, cadence, false))).toEqual([true, false, true]);
    expect(checkpointDue(30, cadence, true)).toBe(true);
    expect(checkpointDue(30, { totalSteps: 130 }, true)).toBe(false);
  });
});
