/**
 * The stop signal of a training command: Ctrl-C (SIGINT) or `--time-limit MIN` stops after the
 * current step with a checkpoint; a second Ctrl-C quits at once. `release` removes the handler
 * and the timer.
 */
export function interruptOnSignals(timeLimitMinutes: number | undefined): { controller: AbortController; release(): void } {
  const controller = new AbortController();
  const onInterrupt = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping after this step with a checkpoint (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  const timer =
    timeLimitMinutes === undefined
      ? undefined
      : setTimeout(() => {
          process.stderr.write(`\n--time-limit ${timeLimitMinutes} min reached: stopping after this step with a checkpoint\n`);
          controller.abort();
        }, timeLimitMinutes * 60_000);
  timer?.unref();
  return {
    controller,
    release() {
      process.off('SIGINT', onInterrupt);
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
