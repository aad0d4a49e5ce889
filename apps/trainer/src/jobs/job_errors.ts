/**
 * Errors of one job. A `JobRefusedError` is the job's own fault and would fail the same way on
 * every attempt (a missing file, a path outside the allowed roots, a folder that is not a
 * model): the runners park it as failed at once instead of retrying it. Anything else (a corrupt
 * read, a full disk, a crash) is retried with backoff first.
 */
export class JobRefusedError extends Error {
  override readonly name: string = 'JobRefusedError';
}

/** A job whose JSON is not a job this version of unet knows. */
export class JobFormatError extends JobRefusedError {
  override readonly name = 'JobFormatError';
}

/** A job naming a file outside the roots the worker was started with (--allow-root). */
export class PathNotAllowedError extends JobRefusedError {
  override readonly name = 'PathNotAllowedError';
}

/**
 * A job its worker stopped early because the worker itself is stopping (SIGTERM): not a failure.
 * The queue worker puts it back in the waiting list, without counting an attempt, for another
 * worker to continue (a fold job from its last checkpoint).
 */
export class JobHandedBackError extends Error {
  override readonly name = 'JobHandedBackError';
}
