import type { ProgressWriter } from '../progress/progress_line.js';
import { trainFold } from '../training/train_folds.js';
import { UsageError } from '../usage_error.js';
import { checkAllowedPath } from './allowed_roots.js';
import { JobHandedBackError, JobRefusedError } from './job_errors.js';
import type { TrainingJob } from './training_job.js';

export interface TrainingJobResult {
  fold: number;
  /** The fold's run folder (out/fold-i). */
  folder: string;
  /** Its model was there already: nothing trained. */
  skipped: boolean;
  /** It continued from its last checkpoint. */
  resumed: boolean;
  /** The steps of the kept model, when trained. */
  steps?: number;
  /** `--time-limit` stopped it (with a checkpoint, its model saved): a rerun of the command continues it. */
  stopped?: boolean;
  seconds: number;
}

export interface TrainingJobContext {
  allowedRoots?: readonly string[];
  /** The backend the worker runs, for the run's records. */
  backend: string;
  /** The worker's log: a line per validation. */
  print?: (line: string) => void;
  /**
   * Aborted when the worker stops (SIGTERM): a fold being trained stops after its current step
   * with a checkpoint, and its job is handed back (JobHandedBackError) for another worker to
   * continue from there, rather than holding the worker for the rest of the fold.
   */
  stopping?: AbortSignal;
}

/** A worker's fold jobs: the same trainFold as unet train --folds, its options checked against the allowed roots. */
export function createTrainingJobHandler(context: TrainingJobContext) {
  const print = context.print ?? (() => undefined);
  return async (job: TrainingJob): Promise<TrainingJobResult> => {
    const started = performance.now();
    const { options } = job;
    if (context.allowedRoots !== undefined) {
      checkAllowedPath(options.out, context.allowedRoots, 'output');
      if (options.data !== undefined) checkAllowedPath(options.data, context.allowedRoots, 'data');
    }
    const prefix = `fold ${options.fold} of ${options.out}`;
    // No progress bar in a worker's log: the validations, each on a line, say how it goes.
    const progress: ProgressWriter = { update: () => undefined, message: (line) => print(`${prefix}: ${line}`), done: () => undefined };
    // --time-limit counts from the job's start on this worker: each fold job gets the whole limit.
    const limit = new AbortController();
    const onStopping = () => {
      print(`${prefix}: the worker is stopping: the fold stops after this step with a checkpoint, and its job goes back to the queue`);
      limit.abort();
    };
    if (context.stopping?.aborted) throw new JobHandedBackError(`${prefix}: not started, the worker is stopping`);
    context.stopping?.addEventListener('abort', onStopping, { once: true });
    const timer =
      options.timeLimit === undefined
        ? undefined
        : setTimeout(() => {
            print(`${prefix}: --time-limit ${options.timeLimit} min reached: stopping after this step with a checkpoint`);
            limit.abort();
          }, options.timeLimit * 60_000);
    try {
      const outcome = await trainFold(
        { ...options, backend: context.backend },
        { print: (line) => print(`${prefix}: ${line}`), progress, backend: context.backend, signal: limit.signal },
        {
          // A second job of one fold (the first worker lost its BullMQ lock but trains on) waits for that trainer, then finds the fold done or continues it.
          wait: true,
          onWait: (holder) =>
            print(`${prefix}: being trained by pid ${holder.pid} on ${holder.host} (its trainer.lock); waiting for it to end`),
        },
      );
      if (context.stopping?.aborted && outcome.outcome?.fit.stopReason === 'aborted') {
        throw new JobHandedBackError(`${prefix}: stopped at step ${outcome.outcome.fit.steps} with a checkpoint, as the worker stops`);
      }
      return {
        fold: outcome.fold,
        folder: outcome.folder,
        skipped: outcome.skipped,
        resumed: outcome.resumed,
        ...(outcome.outcome === undefined ? {} : { steps: outcome.outcome.steps }),
        ...(outcome.outcome?.fit.stopReason === 'aborted' ? { stopped: true } : {}),
        seconds: (performance.now() - started) / 1000,
      };
    } catch (error) {
      // The options or the data are wrong: every attempt would fail alike.
      if (error instanceof UsageError) throw new JobRefusedError(`${prefix}: ${error.message}`);
      throw error;
    } finally {
      clearTimeout(timer);
      context.stopping?.removeEventListener('abort', onStopping);
    }
  };
}
