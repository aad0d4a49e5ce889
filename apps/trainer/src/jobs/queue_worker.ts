import { UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { JobHandedBackError, JobRefusedError } from './job_errors.js';
import { connectionOptions, QUEUE_NAME } from './redis_job_queue.js';
import type { RedisAddress } from './queue_url.js';
import { type JobRun, jobInput, parseJob, type UnetJob } from './unet_job.js';

export interface QueueWorkerOptions<Result> {
  /** Jobs this process runs at once: 1. */
  concurrency?: number;
  /**
   * How long a job stays this worker's without a renewal (renewed every half of it): 30000 ms.
   * A worker killed mid-job gives its job back this long after it died, at the next stalled
   * check of another worker (every `lockMs / 2`).
   */
  lockMs?: number;
  /** Called after each job: with its result when done, with the error's message when an attempt failed. */
  onJob?: (event: { id: string; input: string; result?: Result; error?: string }) => void;
  /** Called when a job was handed back (JobHandedBackError): it waits again for a worker. */
  onHandedBack?: (event: { id: string; input: string; reason: string }) => void;
  /** Called on connection errors (Redis restarting); the worker reconnects by itself. */
  onError?: (error: Error) => void;
}

/**
 * A BullMQ worker on the unet queue. A JobRefusedError becomes BullMQ's UnrecoverableError: the
 * job is parked as failed at once with its reason, since another attempt would fail the same way.
 * A job that stalled (its worker died) goes back to waiting up to 3 times before it fails,
 * enough for a worker killed and a Redis restart in the same run. A JobHandedBackError (the
 * worker is stopping) moves the job back to waiting at once, no attempt counted.
 */
export function startQueueWorker<Result>(
  address: RedisAddress,
  handler: (job: UnetJob, run: JobRun) => Promise<Result>,
  options: QueueWorkerOptions<Result> = {},
): Worker {
  const lockMs = options.lockMs ?? 30_000;
  const worker = new Worker(
    QUEUE_NAME,
    async (job, token) => {
      try {
        // attemptsStarted counts this start: above 1, a worker began it before (killed, stalled or failed).
        return await handler(parseJob(job.data), { startedBefore: job.attemptsStarted > 1 });
      } catch (error) {
        if (error instanceof JobRefusedError) throw new UnrecoverableError(error.message);
        if (error instanceof JobHandedBackError) {
          // BullMQ's way to leave a job unfinished and unfailed: move it, then say so with its WaitingError.
          await job.moveToWait(token);
          options.onHandedBack?.({ id: String(job.id), input: jobInput(job.data), reason: error.message });
          throw new WaitingError();
        }
        throw error;
      }
    },
    {
      connection: connectionOptions(address),
      concurrency: options.concurrency ?? 1,
      lockDuration: lockMs,
      stalledInterval: Math.max(500, Math.round(lockMs / 2)),
      maxStalledCount: 3,
    },
  );
  worker.on('completed', (job, result: Result) => options.onJob?.({ id: String(job.id), input: jobInput(job.data), result }));
  worker.on('failed', (job, error) => {
    if (job !== undefined) options.onJob?.({ id: String(job.id), input: jobInput(job.data), error: error.message });
  });
  worker.on('error', (error) => options.onError?.(error));
  return worker;
}
