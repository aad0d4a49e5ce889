import { describe, expect, it } from 'vitest';
import { formatRowsProgress } from './rows_progress.js';

describe('formatRowsProgress', () => {
  it('shows the rows done, a bar, the pace in megapixels a second and the time left', () => {
    // 12,500 rows of 50,000 px in 1000 s: 0.625 Mpx/s, and three times as long again to go.
    const line = formatRowsProgress({ file: 'slide.tif', rowsDone: 12_500, rows: 50_000, width: 50_000, secondsElapsed: 1000 }, 8);
    expect(line).toBe('slide.tif: rows 12500/50000 [=>      ] 0.63 Mpx/s ETA 50m00s');
  });

  it('says it does not know the pace or the time left before the first band', () => {
    expect(formatRowsProgress({ file: 'a.tif', rowsDone: 0, rows: 10, width: 10, secondsElapsed: 0 }, 4)).toBe(
      'a.tif: rows 0/10 [    ] ? Mpx/s ETA ?',
    );
  });
});
