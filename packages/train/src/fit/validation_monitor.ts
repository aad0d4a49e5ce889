import { TrainingConfigError } from '../errors.js';
import type { FitProgress } from './checkpoint.js';

/** What the monitor needs of fit's validation options. */
export interface MonitorSettings {
  /** The measure that decides the best model: the first measure by default. */
  monitor?: string;
  /** 'min' for a loss, 'max' for IoU or Dice. */
  mode?: 'min' | 'max';
  /** A change smaller than this is no improvement: 0. */
  minDelta?: number;
  /** Stop after this many validations without improvement; never when absent. */
  patience?: number;
}

/** A validation judged: the progress after it, the monitored value, a new best, time to stop. */
export interface MonitorVerdict {
  progress: FitProgress;
  monitor: string;
  value: number;
  best: boolean;
  stop: boolean;
}

/**
 * Judges one validation's measures against the run's progress so far: whether the monitored
 * measure improved by more than minDelta (a NaN never does), and whether patience ran out. Pure:
 * the same progress and measures give the same verdict, which is what lets a resumed run (whose
 * progress comes from its checkpoint) keep or stop exactly as the uninterrupted one would.
 */
export function judgeValidation(
  progress: FitProgress,
  measures: Record<string, number>,
  step: number,
  settings: MonitorSettings,
): MonitorVerdict {
  const monitor = settings.monitor ?? Object.keys(measures)[0];
  const value = measures[monitor];
  if (typeof value !== 'number') {
    throw new TrainingConfigError(
      `fit: validation returned no measure '${monitor}' (it returned ${Object.keys(measures).join(', ') || 'none'}): ` +
        'set validate.monitor to one of them',
    );
  }
  const minDelta = settings.minDelta ?? 0;
  const mode = settings.mode ?? 'min';
  const best =
    Number.isFinite(value) &&
    (progress.bestValue === null || (mode === 'min' ? value < progress.bestValue - minDelta : value > progress.bestValue + minDelta));
  const next: FitProgress = {
    bestValue: best ? value : progress.bestValue,
    bestStep: best ? step : progress.bestStep,
    bestMeasures: best ? { ...measures } : progress.bestMeasures,
    validationsWithoutImprovement: best ? 0 : progress.validationsWithoutImprovement + 1,
    lastMeasures: { ...measures },
  };
  const stop = settings.patience !== undefined && next.validationsWithoutImprovement >= settings.patience;
  return { progress: next, monitor, value, best, stop };
}

/** The progress of a run that has not validated yet. */
export function initialProgress(): FitProgress {
  return { bestValue: null, bestStep: null, bestMeasures: null, validationsWithoutImprovement: 0, lastMeasures: null };
}
