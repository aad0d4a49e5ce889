/** A mistake on the command line; the CLI prints its message and the hint, with no stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
