import { formatDuration, progressBar } from './progress_line.js';

export interface RowsProgressState {
  file: string;
  rowsDone: number;
  rows: number;
  width: number;
  secondsElapsed: number;
}

/** The line of an image segmented region by region: rows done, a bar, megapixels a second and the time left. */
export function formatRowsProgress(state: RowsProgressState, barWidth = 24): string {
  const fraction = state.rows > 0 ? state.rowsDone / state.rows : 0;
  const megapixelsPerSecond = state.secondsElapsed > 0 ? (state.rowsDone * state.width) / 1e6 / state.secondsElapsed : Number.NaN;
  const eta = formatDuration(state.rowsDone > 0 ? (state.secondsElapsed / state.rowsDone) * (state.rows - state.rowsDone) : Number.NaN);
  const pace = Number.isFinite(megapixelsPerSecond) ? megapixelsPerSecond.toFixed(2) : '?';
  return `${state.file}: rows ${state.rowsDone}/${state.rows} [${progressBar(fraction, barWidth)}] ${pace} Mpx/s ETA ${eta}`;
}
