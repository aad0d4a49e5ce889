import { FlowProducer, Queue, type Job, type JobsOptions } from 'bullmq';
import type { JobCounts, JobFailure } from './job_progress.js';
import type { RedisAddress } from './queue_url.js';
import { jobInput, type UnetJob } from './unet_job.js';

/** No Redis at the queue's URL. */
export class RedisUnreachableError extends Error {
  override readonly name = 'RedisUnreachableError';
}

/** The one BullMQ queue every `unet predict --queue` puts jobs on and every `unet worker` takes them from. */
export const QUEUE_NAME = 'unet-jobs';

export interface EnqueueOptions {
  /** Attempts per job, the first included: 3. */
  attempts?: number;
  /** The wait before the second attempt, doubled before each later one (BullMQ's exponential backoff): 1000 ms. */
  backoffMs?: number;
}

/**
 * The connection options of every client: commands wait for Redis to come back instead of
 * failing (maxRetriesPerRequest null, which BullMQ requires of workers), so that a Redis restart
 * pauses a run instead of ending it.
 */
export function connectionOptions(address: RedisAddress): RedisAddress & { maxRetriesPerRequest: null } {
  return { ...address, maxRetriesPerRequest: null };
}

/** The producer's and the operator's side of the queue: enqueue, follow, show, retry, clean. */
export class RedisJobQueue {
  readonly queue: Queue;

  private readonly connection: ReturnType<typeof connectionOptions>;

  constructor(address: RedisAddress) {
    this.connection = connectionOptions(address);
    this.queue = new Queue(QUEUE_NAME, { connection: this.connection });
    // A Redis restart makes the client emit errors while it reconnects; the commands wait for it.
    this.queue.on('error', () => undefined);
  }

  /**
   * Adds the jobs with ids `${runId}-${index}`, in chunks; a chunk sent twice (a retried call)
   * adds nothing twice, since BullMQ ignores an id it holds already.
   */
  async enqueue(runId: string, jobs: readonly UnetJob[], options: EnqueueOptions = {}): Promise<string[]> {
    const jobOptions: JobsOptions = {
      attempts: options.attempts ?? 3,
      backoff: { type: 'exponential', delay: options.backoffMs ?? 1000 },
    };
    const ids = jobs.map((_, index) => `${runId}-${index}`);
    const chunk = 1000;
    for (let first = 0; first < jobs.length; first += chunk) {
      await this.queue.addBulk(
        jobs
          .slice(first, first + chunk)
          .map((job, offset) => ({ name: job.kind, data: job, opts: { ...jobOptions, jobId: ids[first + offset] } })),
      );
    }
    return ids;
  }

  /**
   * Adds a job that runs once all of its `children` are done (a BullMQ flow), with ids
   * `${id}` and `${id}-part-${index}`; a child that fails for good fails the parent. Returns
   * the parent's id, then the children's.
   */
  async enqueueFlow(id: string, parent: UnetJob, children: readonly UnetJob[], options: EnqueueOptions = {}): Promise<string[]> {
    const jobOptions: JobsOptions = {
      attempts: options.attempts ?? 3,
      backoff: { type: 'exponential', delay: options.backoffMs ?? 1000 },
    };
    const childIds = children.map((_, index) => `${id}-part-${index}`);
    const flows = new FlowProducer({ connection: this.connection });
    flows.on('error', () => undefined);
    try {
      await flows.add({
        name: parent.kind,
        queueName: QUEUE_NAME,
        data: parent,
        opts: { ...jobOptions, jobId: id },
        children: children.map((child, index) => ({
          name: child.kind,
          queueName: QUEUE_NAME,
          data: child,
          opts: { ...jobOptions, jobId: childIds[index], failParentOnFailure: true },
        })),
      });
    } finally {
      await flows.close();
    }
    return [id, ...childIds];
  }

  /** The whole queue's counts (all runs). */
  async counts(): Promise<JobCounts> {
    // A huge image's assembly waits for its parts ('waiting-children'): waiting, as far as a user is concerned.
    const counts = await this.queue.getJobCounts('waiting', 'prioritized', 'waiting-children', 'active', 'delayed', 'completed', 'failed');
    return {
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts['waiting-children'] ?? 0),
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      done: counts.completed ?? 0,
      failed: counts.failed ?? 0,
    };
  }

  /** The states of some jobs, by id: 'completed', 'failed', 'active', 'waiting', 'delayed', ... or 'unknown' when gone. */
  async states(ids: readonly string[]): Promise<string[]> {
    return Promise.all(ids.map((id) => this.queue.getJobState(id)));
  }

  /** Failed jobs with their reasons: all of the queue's (newest first), or those of `ids`. */
  async failures(ids?: readonly string[], limit = 1000): Promise<JobFailure[]> {
    const jobs: Array<Job | undefined> =
      ids === undefined ? await this.queue.getFailed(0, limit - 1) : await Promise.all(ids.map((id) => this.queue.getJob(id)));
    return jobs
      .filter((job): job is Job => job !== undefined && job !== null)
      .map((job) => ({
        id: String(job.id),
        input: typeof job.data === 'object' && job.data !== null ? jobInput(job.data as UnetJob) : '?',
        reason: job.failedReason ?? 'no reason recorded',
        attempts: job.attemptsMade,
      }));
  }

  /** Moves every failed job back to waiting, for a fresh set of attempts; returns how many. */
  async retryFailed(): Promise<number> {
    const { failed } = await this.counts();
    if (failed > 0) await this.queue.retryJobs({ state: 'failed', count: 1000 });
    return failed;
  }

  /**
   * Removes the records of done and failed jobs (not their files); with `all`, also waiting and
   * delayed ones, and the assemblies of huge images that wait for their parts. Returns how many
   * records went (counted before and after: a job that ends meanwhile adds one of its own).
   */
  async clean(all = false): Promise<number> {
    const before = await this.records();
    const states = all ? (['completed', 'failed', 'wait', 'delayed', 'prioritized'] as const) : (['completed', 'failed'] as const);
    for (const state of states) {
      while ((await this.queue.clean(0, 10_000, state)).length > 0);
    }
    if (all) await this.removeWaitingAssemblies();
    return Math.max(0, before - (await this.records()));
  }

  /** The records of jobs that are not running. */
  private async records(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'prioritized', 'waiting-children', 'delayed', 'completed', 'failed');
    return Object.values(counts).reduce((sum, count) => sum + count, 0);
  }

  /**
   * A huge image's assembly waits for its parts in BullMQ's 'waiting-children', a state that
   * Queue.clean does not take: each is removed by its id, with what is left of its parts. One
   * whose part a worker is running (locked) is left to finish.
   */
  private async removeWaitingAssemblies(): Promise<void> {
    const left = new Set<string>();
    for (;;) {
      const parents = (await this.queue.getJobs(['waiting-children'], 0, 999)).filter(
        (job): job is Job => job !== undefined && job !== null && !left.has(String(job.id)),
      );
      if (parents.length === 0) return;
      for (const parent of parents) {
        const id = String(parent.id);
        try {
          if ((await this.queue.remove(id, { removeChildren: true })) !== 1) left.add(id);
        } catch {
          left.add(id);
        }
      }
    }
  }

  /** Resolves once Redis answers; a RedisUnreachableError after `timeoutMs` (a wrong URL, no server), since commands otherwise wait for it forever. */
  async reachable(url: string, timeoutMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new RedisUnreachableError(
              `--queue ${url}: no Redis answered within ${timeoutMs / 1000} s; start one (redis-server --port PORT) or fix the URL`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.queue.waitUntilReady(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** What the done jobs among `ids` returned, in the order of `ids` (undefined where a job is not done). */
  async results<Result>(ids: readonly string[]): Promise<Array<Result | undefined>> {
    const jobs = await Promise.all(ids.map((id) => this.queue.getJob(id)));
    return jobs.map((job) => (job?.finishedOn !== undefined && job.failedReason === undefined ? (job.returnvalue as Result) : undefined));
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
