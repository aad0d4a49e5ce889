/** Where a set of jobs stands; the same words for both runners and for `unet queue status`. */
export interface JobCounts {
  waiting: number;
  active: number;
  /** Waiting for a retry after a failed attempt (backoff). */
  delayed: number;
  done: number;
  failed: number;
}

/** A job that failed for good, with the reason its last attempt gave. */
export interface JobFailure {
  id: string;
  input: string;
  reason: string;
  attempts: number;
}

export function formatCounts(counts: JobCounts): string {
  const delayed = counts.delayed > 0 ? `, ${counts.delayed} retrying` : '';
  return `${counts.waiting} waiting, ${counts.active} active${delayed}, ${counts.done} done, ${counts.failed} failed`;
}
