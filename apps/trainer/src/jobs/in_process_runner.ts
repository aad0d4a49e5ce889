import type { JobCounts, JobFailure } from './job_progress.js';
import { JobRefusedError } from './job_errors.js';

export interface InProcessRunOptions {
  /** Jobs run at once: 1. The tfjs CPU backends compute a tile synchronously, so more than one mostly overlaps file reading and writing with compute. */
  concurrency?: number;
  /** Attempts per job, the first included: 3. A JobRefusedError is not retried. */
  attempts?: number;
  /** The wait before the second attempt, doubled before each one after: 1000 ms. */
  backoffMs?: number;
  onProgress?: (counts: JobCounts) => void;
}

export interface InProcessRunResult<Result> {
  results: Array<Result | undefined>;
  failures: JobFailure[];
}

/**
 * The embedded runner: the jobs in this process, at most `concurrency` at a time, each retried
 * with exponential backoff, as the Redis runner does. It needs nothing installed, and runs the
 * same handler as a worker, so its outputs are the reference a distributed run must equal.
 */
export async function runInProcess<Job extends { input: string }, Result>(
  jobs: readonly Job[],
  handler: (job: Job, run: { startedBefore: boolean }) => Promise<Result>,
  options: InProcessRunOptions = {},
): Promise<InProcessRunResult<Result>> {
  const concurrency = options.concurrency ?? 1;
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 1000;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`runInProcess: concurrency must be a whole number >= 1, got ${concurrency}`);
  if (!Number.isInteger(attempts) || attempts < 1)
    throw new RangeError(`runInProcess: attempts must be a whole number >= 1, got ${attempts}`);
  const counts: JobCounts = { waiting: jobs.length, active: 0, delayed: 0, done: 0, failed: 0 };
  const results: Array<Result | undefined> = new Array(jobs.length).fill(undefined);
  const failures: JobFailure[] = [];
  let next = 0;

  const runOne = async (index: number): Promise<void> => {
    const job = jobs[index]!;
    for (let attempt = 1; ; attempt++) {
      try {
        results[index] = await handler(job, { startedBefore: attempt > 1 });
        counts.done++;
        return;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (error instanceof JobRefusedError || attempt === attempts) {
          failures.push({ id: String(index), input: job.input, reason, attempts: attempt });
          counts.failed++;
          return;
        }
        counts.active--;
        counts.delayed++;
        options.onProgress?.({ ...counts });
        await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1)));
        counts.delayed--;
        counts.active++;
      }
    }
  };
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      const index = next++;
      counts.waiting--;
      counts.active++;
      options.onProgress?.({ ...counts });
      await runOne(index);
      counts.active--;
      options.onProgress?.({ ...counts });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, lane));
  failures.sort((a, b) => Number(a.id) - Number(b.id));
  return { results, failures };
}
