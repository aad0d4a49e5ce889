import { describe, expect, it } from 'vitest';
import { TrainingConfigError } from '../errors.js';
import { type LearningRateSchedule, constantSchedule, cosineSchedule, polySchedule, reduceOnPlateau, stepSchedule } from './schedules.js';

const rates = (schedule: LearningRateSchedule, steps: number[]) => steps.map((step) => schedule.rate(step));

describe('learning-rate schedules', () => {
  it('constant', () => {
    expect(rates(constantSchedule(0.01), [0, 5, 1e6])).toEqual([0.01, 0.01, 0.01]);
  });

  it('step: 0.1 x 0.5^floor(step / 10)', () => {
    const schedule = stepSchedule({ initial: 0.1, every: 10, factor: 0.5 });
    const [a, b, c, d] = rates(schedule, [0, 9, 10, 25]);
    expect([a, b, c, d]).toEqual([0.1, 0.1, 0.05, 0.025]);
  });

  it('poly: 1 x (1 - step / 100)^2, then the final rate', () => {
    const schedule = polySchedule({ initial: 1, totalSteps: 100, power: 2 });
    const [a, b, c, d] = rates(schedule, [0, 50, 90, 150]);
    expect(a).toBe(1);
    expect(b).toBeCloseTo(0.25, 12);
    expect(c).toBeCloseTo(0.01, 12);
    expect(d).toBe(0);
  });

  it('cosine with warm-up: linear to the peak, half a cosine down to the final rate', () => {
    const schedule = cosineSchedule({ peak: 1, totalSteps: 14, warmupSteps: 4, final: 0.1 });
    const [w0, w1, w3, top, middle, end, after] = rates(schedule, [0, 1, 3, 4, 9, 14, 20]);
    expect([w0, w1, w3]).toEqual([0.25, 0.5, 1]);
    expect(top).toBe(1);
    // halfway through the 10 cosine steps: 0.1 + 0.45 (1 + cos(pi / 2)) = 0.55
    expect(middle).toBeCloseTo(0.55, 12);
    expect(end).toBeCloseTo(0.1, 12);
    expect(after).toBeCloseTo(0.1, 12);
  });

  it('reduce-on-plateau drops the rate after more than `patience` observations without improvement', () => {
    const schedule = reduceOnPlateau({ initial: 1, factor: 0.5, patience: 2, mode: 'min' });
    const seen: number[] = [];
    for (const [step, value] of [5, 4, 4, 4.5, 4.2, 3, 3, 3, 3].entries()) {
      schedule.observe?.(value, step);
      seen.push(schedule.rate(step + 1));
    }
    // 5 best, 4 best, 4 bad 1, 4.5 bad 2, 4.2 bad 3 > 2: drop; 3 best, then 3 bad 1, 2, 3: drop.
    expect(seen).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25]);
  });

  it("reduce-on-plateau in 'max' mode counts a rise as improvement, and honours the cooldown", () => {
    const schedule = reduceOnPlateau({ initial: 1, factor: 0.1, patience: 0, mode: 'max', cooldown: 1 });
    schedule.observe?.(0.5, 0);
    schedule.observe?.(0.6, 1);
    expect(schedule.rate(2)).toBe(1);
    schedule.observe?.(0.6, 2); // no improvement, patience 0: drop, then one observation of cooldown
    expect(schedule.rate(3)).toBeCloseTo(0.1, 12);
    schedule.observe?.(0.6, 3); // in cooldown: no drop
    expect(schedule.rate(4)).toBeCloseTo(0.1, 12);
    schedule.observe?.(0.6, 4);
    expect(schedule.rate(5)).toBeCloseTo(0.01, 12);
  });

  it('reduce-on-plateau restored from its JSON state continues as the original', () => {
    const values = [5, 4, 4, 4.5, 4.2, 3, 3, 3, 3, 2.5, 2.6, 2.7, 2.8];
    const original = reduceOnPlateau({ initial: 1, factor: 0.5, patience: 1 });
    const copy = reduceOnPlateau({ initial: 1, factor: 0.5, patience: 1 });
    for (const [step, value] of values.entries()) {
      original.observe?.(value, step);
      if (step < 6) copy.observe?.(value, step);
    }
    const resumed = reduceOnPlateau({ initial: 1, factor: 0.5, patience: 1 });
    resumed.restore(JSON.parse(JSON.stringify(copy.state())));
    for (const [step, value] of values.entries()) if (step >= 6) resumed.observe?.(value, step);
    expect(resumed.state()).toEqual(original.state());
    expect(resumed.rate(99)).toBe(original.rate(99));
  });

  it('refuses the state of another kind of schedule, and bad parameters', () => {
    expect(() => constantSchedule(0.1).restore({ kind: 'cosine' })).toThrow(TrainingConfigError);
    expect(() => cosineSchedule({ peak: 1, totalSteps: 10, warmupSteps: 10 })).toThrow(/warmupSteps/);
    expect(() => stepSchedule({ initial: 1, every: 0, factor: 0.1 })).toThrow(/every/);
  });
});
