import { TrainingConfigError } from '../errors.js';

/** A JSON value: schedule state is saved in checkpoints as JSON. */
export type ScheduleState = Record<string, number | string | boolean | null>;

/**
 * The learning rate of each step. `fit` asks `rate(step)` before every step (0-based) and passes
 * the monitored validation measure to `observe`; stateful schedules (reduce-on-plateau) keep
 * what they learnt in `state()`, which checkpoints save and `restore` gives back.
 */
export interface LearningRateSchedule {
  /** The rate for step `step` (0-based). */
  rate(step: number): number;
  /** A new value of the monitored measure, after step `step` (only reduce-on-plateau uses it). */
  observe?(value: number, step: number): void;
  state(): ScheduleState;
  restore(state: ScheduleState): void;
  /** The schedule's kind and parameters, for the log and the run's config. */
  readonly description: Record<string, number | string>;
}

/** A schedule whose rate depends on the step alone: its state is only its description. */
function stateless(description: Record<string, number | string>, rate: (step: number) => number): LearningRateSchedule {
  return {
    rate,
    state: () => ({ kind: String(description.kind) }),
    restore(state) {
      if (state.kind !== description.kind) {
        throw new TrainingConfigError(
          `schedule: the checkpoint's schedule is ${JSON.stringify(state.kind)}, not '${description.kind}': resume with the run's schedule`,
        );
      }
    },
    description,
  };
}

/** The same rate at every step. */
export function constantSchedule(rate: number): LearningRateSchedule {
  checkPositive('constant', 'rate', rate, true);
  return stateless({ kind: 'constant', rate }, () => rate);
}

/** initial * factor^floor(step / every): e.g. x0.1 every 10,000 steps. */
export function stepSchedule(options: { initial: number; every: number; factor: number }): LearningRateSchedule {
  const { initial, every, factor } = options;
  checkPositive('step', 'initial', initial, true);
  checkSteps('step', 'every', every);
  checkPositive('step', 'factor', factor, true);
  return stateless({ kind: 'step', initial, every, factor }, (step) => initial * factor ** Math.floor(step / every));
}

/**
 * final + (initial - final) (1 - step / totalSteps)^power, then `final` after totalSteps: the
 * "poly" policy of DeepLab (power 0.9).
 */
export function polySchedule(options: { initial: number; totalSteps: number; power?: number; final?: number }): LearningRateSchedule {
  const { initial, totalSteps, power = 0.9, final = 0 } = options;
  checkPositive('poly', 'initial', initial, true);
  checkSteps('poly', 'totalSteps', totalSteps);
  checkPositive('poly', 'power', power, false);
  checkPositive('poly', 'final', final, true);
  return stateless({ kind: 'poly', initial, totalSteps, power, final }, (step) => {
    const progress = Math.min(step, totalSteps) / totalSteps;
    return final + (initial - final) * (1 - progress) ** power;
  });
}

/**
 * A linear warm-up from peak / warmupSteps to `peak` over the first `warmupSteps` steps (step s
 * gets peak (s + 1) / warmupSteps), then a half cosine from `peak` down to `final` at
 * `totalSteps` (SGDR without restarts), then `final`.
 */
export function cosineSchedule(options: { peak: number; totalSteps: number; warmupSteps?: number; final?: number }): LearningRateSchedule {
  const { peak, totalSteps, warmupSteps = 0, final = 0 } = options;
  checkPositive('cosine', 'peak', peak, true);
  checkSteps('cosine', 'totalSteps', totalSteps);
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0 || warmupSteps >= totalSteps) {
    throw new TrainingConfigError(
      `schedule cosine: warmupSteps must be a whole number in [0, totalSteps = ${totalSteps}), got ${warmupSteps}`,
    );
  }
  checkPositive('cosine', 'final', final, true);
  return stateless({ kind: 'cosine', peak, totalSteps, warmupSteps, final }, (step) => {
    if (step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
    const progress = Math.min(step - warmupSteps, totalSteps - warmupSteps) / (totalSteps - warmupSteps);
    return final + 0.5 * (peak - final) * (1 + Math.cos(Math.PI * progress));
  });
}

export interface ReduceOnPlateauOptions {
  initial: number;
  /** The rate is multiplied by this when the measure stops improving: 0.1. */
  factor?: number;
  /** Validations without improvement before the rate drops: 10. */
  patience?: number;
  /** 'min' for a loss, 'max' for an IoU or Dice. */
  mode?: 'min' | 'max';
  /** A relative change smaller than this is no improvement: 1e-4 (PyTorch's default). */
  threshold?: number;
  /** Validations to wait after a drop before counting again: 0. */
  cooldown?: number;
  /** The rate never drops below this: 0. */
  minimum?: number;
}

/**
 * PyTorch's ReduceLROnPlateau (relative threshold): the rate drops by `factor` once the
 * observed measure has not improved for more than `patience` observations. Its counters are
 * its state, saved with each checkpoint.
 */
export function reduceOnPlateau(options: ReduceOnPlateauOptions): LearningRateSchedule {
  const { initial, factor = 0.1, patience = 10, mode = 'min', threshold = 1e-4, cooldown = 0, minimum = 0 } = options;
  checkPositive('reduceOnPlateau', 'initial', initial, true);
  if (!(factor > 0 && factor < 1)) {
    throw new TrainingConfigError(`schedule reduceOnPlateau: factor must lie in (0, 1), got ${factor}`);
  }
  checkSteps('reduceOnPlateau', 'patience', patience, true);
  checkSteps('reduceOnPlateau', 'cooldown', cooldown, true);
  checkPositive('reduceOnPlateau', 'threshold', threshold, true);
  checkPositive('reduceOnPlateau', 'minimum', minimum, true);
  if (mode !== 'min' && mode !== 'max') {
    throw new TrainingConfigError(`schedule reduceOnPlateau: mode must be 'min' or 'max', got ${JSON.stringify(mode)}`);
  }
  let current = initial;
  // null until the first observation (JSON has no Infinity).
  let best: number | null = null;
  let badObservations = 0;
  let cooldownLeft = 0;
  const improves = (value: number) =>
    best === null || (mode === 'min' ? value < best * (1 - Math.sign(best) * threshold) : value > best * (1 + Math.sign(best) * threshold));
  return {
    rate: () => current,
    observe(value) {
      if (!Number.isFinite(value)) return;
      if (improves(value)) {
        best = value;
        badObservations = 0;
      } else {
        badObservations++;
      }
      if (cooldownLeft > 0) {
        cooldownLeft--;
        badObservations = 0;
      }
      if (badObservations > patience) {
        current = Math.max(current * factor, minimum);
        cooldownLeft = cooldown;
        badObservations = 0;
      }
    },
    state: () => ({ kind: 'reduceOnPlateau', current, best, badObservations, cooldownLeft }),
    restore(state) {
      if (state.kind !== 'reduceOnPlateau' || typeof state.current !== 'number') {
        throw new TrainingConfigError(
          `schedule: the checkpoint's schedule is ${JSON.stringify(state.kind)}, not 'reduceOnPlateau': resume with the run's schedule`,
        );
      }
      current = state.current;
      best = typeof state.best === 'number' ? state.best : null;
      badObservations = Number(state.badObservations);
      cooldownLeft = Number(state.cooldownLeft);
    },
    description: { kind: 'reduceOnPlateau', initial, factor, patience, mode, threshold, cooldown, minimum },
  };
}

function checkPositive(schedule: string, name: string, value: number, zeroAllowed: boolean): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    throw new TrainingConfigError(`schedule ${schedule}: ${name} must be a finite number ${zeroAllowed ? '>= 0' : '> 0'}, got ${value}`);
  }
}

function checkSteps(schedule: string, name: string, value: number, zeroAllowed = false): void {
  if (!Number.isInteger(value) || value < (zeroAllowed ? 0 : 1)) {
    throw new TrainingConfigError(
      `schedule ${schedule}: ${name} must be a whole number of steps, at least ${zeroAllowed ? 0 : 1}, got ${value}`,
    );
  }
}
