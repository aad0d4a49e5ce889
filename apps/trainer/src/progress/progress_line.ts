/**
 * The line a long run keeps rewriting: step, a bar, loss, throughput and time left. On a terminal
 * it redraws in place; in a log file (not a TTY) a full line is written every `logEverySeconds`.
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

export function formatProgress(state: ProgressState, barWidth = 24): string {
  const fraction = state.totalSteps > 0 ? Math.min(1, state.step / state.totalSteps) : 0;
  const filled = Math.round(fraction * barWidth);
  const bar = `${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? (fraction >= 1 ? '=' : '>') : ''}${' '.repeat(barWidth - filled)}`;
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
  const interactive = stream.isTTY === true;
  let lastLogged = -Infinity;
  let drawn = false;
  // The steps before the first update this writer sees were run by an earlier process (--resume).
  let firstStep: number | undefined;
  return {
    update(state) {
      firstStep ??= state.step - 1;
      const line = formatProgress({ ...state, firstStep: state.firstStep ?? firstStep });
      if (interactive) {
        stream.write(`\r${line}\u001b[K`);
        drawn = true;
      } else if (state.secondsElapsed - lastLogged >= logEverySeconds || state.step === state.totalSteps) {
        stream.write(`${line}\n`);
        lastLogged = state.secondsElapsed;
      }
    },
    message(line) {
      stream.write(`${interactive && drawn ? '\r\u001b[K' : ''}${line}\n`);
      drawn = false;
    },
    done() {
      if (interactive && drawn) stream.write('\n');
      drawn = false;
    },
  };
}
