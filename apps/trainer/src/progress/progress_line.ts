import { createRedrawnLine } from './redrawn_line.js';

/**
 * The line a training run keeps rewriting (createRedrawnLine): step, a bar, loss, throughput
 * and time left.
 */

export interface ProgressState {
  step: number;
  totalSteps: number;
  loss: number;
  learningRate?: number;
  imagesPerSecond: number;
  secondsElapsed: number;
  /** The step this process started from (a resumed run's checkpoint; 0 for a fresh run): the
   * time left is paced by the steps run since then, not by all the run's steps. */
  firstStep?: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  if (hours > 0) return `${hours}h${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}

/** `[===>    ]`'s inside: `fraction` of `width` filled, the head an arrow until the end. */
export function progressBar(fraction: number, width = 24): string {
  const clamped = Math.max(0, Math.min(1, fraction));
  const filled = Math.round(clamped * width);
  return `${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? (clamped >= 1 ? '=' : '>') : ''}${' '.repeat(width - filled)}`;
}

export function formatProgress(state: ProgressState, barWidth = 24): string {
  const bar = progressBar(state.totalSteps > 0 ? state.step / state.totalSteps : 0, barWidth);
  const stepsRun = state.step - (state.firstStep ?? 0);
  const secondsPerStep = stepsRun > 0 ? state.secondsElapsed / stepsRun : Number.NaN;
  const eta = formatDuration(secondsPerStep * (state.totalSteps - state.step));
  const learningRate = state.learningRate === undefined ? '' : ` lr ${state.learningRate.toExponential(2)}`;
  return `step ${state.step}/${state.totalSteps} [${bar}] loss ${state.loss.toFixed(4)}${learningRate} ${state.imagesPerSecond.toFixed(1)} img/s ETA ${eta}`;
}

export interface ProgressWriter {
  update(state: ProgressState): void;
  /** Prints a line of its own (a validation result) without breaking the bar. */
  message(line: string): void;
  done(): void;
}

export function createProgressWriter(
  stream: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean },
  logEverySeconds = 10,
): ProgressWriter {
  const line = createRedrawnLine(stream, logEverySeconds);
  // The steps before the first update this writer sees were run by an earlier process (--resume).
  let firstStep: number | undefined;
  return {
    update(state) {
      firstStep ??= state.step - 1;
      line.show(
        formatProgress({ ...state, firstStep: state.firstStep ?? firstStep }),
        state.secondsElapsed,
        state.step === state.totalSteps,
      );
    },
    message: (text) => line.message(text),
    done: () => line.done(),
  };
}
