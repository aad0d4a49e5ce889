import type { JobCounts, JobFailure } from './job_progress.js';
import type { RedisJobQueue } from './redis_job_queue.js';

export interface FollowOptions {
  /** Between two looks at the queue: 500 ms. */
  pollMs?: number;
  /** Jobs looked at per poll, the oldest unfinished first: 500 (the run's counts lag behind a little on runs larger than that, never its end). */
  perPoll?: number;
  onCounts?: (counts: JobCounts) => void;
}

/**
 * Waits until every job of a run is done or failed for good, by asking the queue for their
 * states. Redis restarting only delays the answers (the client waits for it), so a run
 * survives it. A job that is no longer in the queue (`unet queue clean --all` removed it) counts
 * as failed.
 */
export async function followRun(
  queue: RedisJobQueue,
  ids: readonly string[],
  options: FollowOptions = {},
): Promise<{ counts: JobCounts; failures: JobFailure[] }> {
  const pollMs = options.pollMs ?? 500;
  const perPoll = options.perPoll ?? 500;
  const unfinished = new Set(ids);
  const failed: string[] = [];
  const gone: string[] = [];
  let done = 0;
  for (;;) {
    const looked = [...unfinished].slice(0, perPoll);
    const states = await queue.states(looked);
    const counts: JobCounts = { waiting: 0, active: 0, delayed: 0, done: 0, failed: 0 };
    for (const [index, state] of states.entries()) {
      const id = looked[index]!;
      if (state === 'completed') {
        unfinished.delete(id);
        done++;
      } else if (state === 'failed') {
        unfinished.delete(id);
        failed.push(id);
      } else if (state === 'unknown') {
        unfinished.delete(id);
        gone.push(id);
      } else if (state === 'active') counts.active++;
      else if (state === 'delayed') counts.delayed++;
      else counts.waiting++;
    }
    // The jobs not looked at this time are still unfinished, hence waiting as far as we know.
    counts.waiting += unfinished.size - (counts.active + counts.delayed + counts.waiting);
    counts.done = done;
    counts.failed = failed.length + gone.length;
    options.onCounts?.(counts);
    if (unfinished.size === 0) {
      const failures = [
        ...(await queue.failures(failed)),
        ...gone.map((id) => ({ id, input: '?', reason: 'no longer in the queue (removed by unet queue clean --all?)', attempts: 0 })),
      ];
      return { counts, failures };
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
