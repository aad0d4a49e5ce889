import path from 'node:path';
import type { TrainOptions } from '../options/train_options.js';
import { JobFormatError } from './job_errors.js';
import { SEGMENTATION_JOB_VERSION } from './segmentation_job.js';

/** The options of one fold's run: `out` is the folds' folder (the run goes to out/fold-i), paths absolute. */
export type FoldTrainOptions = TrainOptions & { folds: number; fold: number };

/**
 * "Train fold i of K into DIR/fold-i": one job of `unet train --folds K --queue`. It carries the
 * resolved options of the command (paths absolute, so that a worker in another folder trains on
 * the same files); the worker skips a fold whose model exists and continues one that has
 * checkpoints, so a job given back by a dead worker resumes from its last checkpoint.
 */
export interface TrainingJob {
  version: typeof SEGMENTATION_JOB_VERSION;
  kind: 'train';
  options: FoldTrainOptions;
}

export function trainingJob(options: FoldTrainOptions): TrainingJob {
  return {
    version: SEGMENTATION_JOB_VERSION,
    kind: 'train',
    options: {
      ...options,
      out: path.resolve(options.out),
      ...(options.data === undefined ? {} : { data: path.resolve(options.data) }),
      resume: false,
    },
  };
}

/** Checks a training job from a queue: its fold, folds and paths (the options themselves are the command's, resolved). */
export function parseTrainingJob(value: unknown): TrainingJob {
  const job = value as Partial<TrainingJob>;
  const describe = () => JSON.stringify(value)?.slice(0, 200);
  const options = job.options as Partial<FoldTrainOptions> | undefined;
  if (options === undefined || options === null || typeof options !== 'object') throw new JobFormatError(`job ${describe()}: no options`);
  if (typeof options.out !== 'string' || !path.isAbsolute(options.out))
    throw new JobFormatError(`job ${describe()}: options.out must be an absolute path, got ${JSON.stringify(options.out)}`);
  if (options.data !== undefined && (typeof options.data !== 'string' || !path.isAbsolute(options.data)))
    throw new JobFormatError(`job ${describe()}: options.data must be an absolute path, got ${JSON.stringify(options.data)}`);
  const { folds, fold } = options;
  if (!(Number.isInteger(folds) && folds! >= 2 && Number.isInteger(fold) && fold! >= 0 && fold! < folds!))
    throw new JobFormatError(`job ${describe()}: options.folds must be a whole number >= 2 and options.fold one from 0 to folds - 1`);
  return job as TrainingJob;
}
