import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { changeableOnResume, flagNames, type TrainOptions } from '../options/train_options.js';
import { UsageError } from '../usage_error.js';
import { runTraining, type TrainingIo, type TrainingOutcome } from './run_training.js';
import { acquireTrainerLock, type TrainerLockOptions } from './trainer_lock.js';

/** The run folder of fold `fold` of `--out DIR`: DIR/fold-i (what unet predict --model DIR averages). */
export function foldFolder(out: string, fold: number): string {
  return path.join(out, `fold-${fold}`);
}

/**
 * Where a fold stands: done (its model saved after training ran to its end or stopped early on
 * the plateau), started (checkpoints, and no model or one saved when Ctrl-C or --time-limit
 * stopped it: resume it), or new.
 */
export function foldState(folder: string): 'done' | 'started' | 'new' {
  const checkpoints = path.join(folder, 'checkpoints');
  const started = existsSync(checkpoints) && readdirSync(checkpoints).some((name) => name.startsWith('step-'));
  if (existsSync(path.join(folder, 'model', 'model.json')) && lastStopReason(folder) !== 'aborted') return 'done';
  return started ? 'started' : 'new';
}

/** The reason of the run's last stop record in log.jsonl, if any. */
function lastStopReason(folder: string): string | undefined {
  const log = path.join(folder, 'log.jsonl');
  if (!existsSync(log)) return undefined;
  const stops = readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"type":"stop"'))
    .map((line) => JSON.parse(line) as { reason?: string });
  return stops.at(-1)?.reason;
}

/** A started fold continues only the run it began: the options it was started with, checked against these. */
function checkSameRun(folder: string, options: TrainOptions): void {
  const file = path.join(folder, 'config.json');
  const saved = (JSON.parse(readFileSync(file, 'utf8')) as { trainOptions?: Partial<TrainOptions> }).trainOptions ?? {};
  const differs = (Object.keys(flagNames) as (keyof TrainOptions)[])
    .filter((key) => !changeableOnResume.has(key))
    .filter((key) => {
      const [now, then] = [options[key], saved[key]];
      if (key === 'data' && typeof now === 'string' && typeof then === 'string') return path.resolve(now) !== path.resolve(then);
      return now !== then;
    });
  if (differs.length > 0) {
    throw new UsageError(
      `${folder} was started with other options (${file}): ${differs.map((key) => `--${flagNames[key]} ${String(saved[key] ?? 'none')} there, ${String(options[key] ?? 'none')} now`).join('; ')}; rerun with its options, or give another --out`,
    );
  }
}

export interface FoldOutcome {
  fold: number;
  folder: string;
  /** The fold's model existed: nothing was trained. */
  skipped: boolean;
  /** It had checkpoints and continued from the last, exactly (unet train --resume). */
  resumed: boolean;
  outcome?: TrainingOutcome;
}

/**
 * Trains fold `options.fold` of `options.folds` into `options.out`/fold-i: skipped when its model
 * is there, continued from its last checkpoint when it was started (a killed process, a worker
 * whose job came back), else begun. The same for `unet train --folds` in one process and for a
 * queue worker's fold job, so that a fold rerun anywhere picks up where it stopped. The fold
 * folder's trainer lock makes it the one trainer there: another is refused, or with
 * `lockOptions.wait` waits for it (then finds the fold done, or continues it).
 */
export async function trainFold(
  options: TrainOptions & { folds: number; fold: number },
  io: TrainingIo,
  lockOptions: TrainerLockOptions = {},
): Promise<FoldOutcome> {
  const folder = foldFolder(options.out, options.fold);
  // One trainer per fold folder; its state is read under the lock, since a trainer that held it may just have finished.
  const lock = await acquireTrainerLock(folder, lockOptions);
  try {
    const state = foldState(folder);
    if (state === 'done') return { fold: options.fold, folder, skipped: true, resumed: false };
    if (state === 'started') checkSameRun(folder, options);
    const outcome = await runTraining({ ...options, out: folder, resume: state === 'started' }, { ...io, beforeWrite: () => lock.check() });
    return { fold: options.fold, folder, skipped: false, resumed: state === 'started', outcome };
  } finally {
    await lock.release();
  }
}
