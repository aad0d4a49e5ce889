import { parseArgs } from 'node:util';
import { describeSelection, selectBackend, type BackendName } from '../backends/select_backend.js';
import { resolveAllowedRoots } from '../jobs/allowed_roots.js';
import { parseQueueUrl } from '../jobs/queue_url.js';
import { startQueueWorker } from '../jobs/queue_worker.js';
import { createJobHandler } from '../jobs/job_handler.js';
import { UsageError } from '../usage_error.js';

export const workerHelp = `unet worker: run the jobs of a queue (unet predict, eval and train --folds with --queue) on this machine

Usage: unet worker --queue redis://HOST:PORT/DB --allow-root DIR... [options]

  --queue URL       the Redis (or Valkey) server the jobs are on (unet predict --queue,
                    unet eval --queue and unet train --folds K --queue put them there)
  --allow-root DIR  a folder whose images, models, data and outputs jobs may name (repeatable); a job
                    naming a path outside them fails with the reason. The machines must see the
                    files at the same paths (a shared file system).
  --concurrency N   jobs at once in this process (default 1; run one worker per core instead:
                    the CPU backends compute a tile at a time)
  --backend NAME    tensorflow-gpu, tensorflow, webgpu, native, wasm or cpu (default: first that loads)
  --lock-ms N       a job is this worker's for N ms, renewed every N/2 (default 30000): a worker
                    that dies gives its jobs back about that long after

Stops on SIGTERM or SIGINT once its current jobs are done, with exit status 0. A fold of unet
train --folds --queue being trained stops sooner: after its current step, with a checkpoint, and
its job goes back to the queue, where another worker continues it from that checkpoint.
`;

export async function workerCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      queue: { type: 'string' },
      'allow-root': { type: 'string', multiple: true },
      concurrency: { type: 'string', default: '1' },
      backend: { type: 'string' },
      'lock-ms': { type: 'string', default: '30000' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    print(workerHelp);
    return;
  }
  if (values.queue === undefined)
    throw new UsageError('--queue redis://HOST:PORT/DB is required: the server unet predict --queue put the jobs on');
  const address = parseQueueUrl(values.queue);
  if (values['allow-root'] === undefined)
    throw new UsageError('--allow-root DIR is required (repeatable): the folders the jobs may read and write');
  const roots = resolveAllowedRoots(values['allow-root']);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError(`--concurrency: expected a whole number >= 1, got '${values.concurrency}'`);
  const lockMs = Number(values['lock-ms']);
  if (!Number.isInteger(lockMs) || lockMs < 1000)
    throw new UsageError(`--lock-ms: expected a whole number >= 1000, got '${values['lock-ms']}'`);

  const selection = await selectBackend(values.backend as BackendName | undefined);
  for (const line of describeSelection(selection)) print(line);
  // Aborted on SIGTERM or SIGINT: a fold job stops at its next step and is handed back; other jobs run to their end.
  const stopping = new AbortController();
  const handler = createJobHandler({ allowedRoots: roots, backend: selection.chosen, print, stopping: stopping.signal });
  let lastError = '';
  const worker = startQueueWorker(address, handler, {
    concurrency,
    lockMs,
    onJob: ({ id, input, result, error }) => {
      if (result === undefined) print(`failed ${id}: ${input}: ${error}`);
      else if (!('skipped' in result)) print(`measured ${id}: ${input} (${result.id})`);
      else if ('fold' in result)
        print(
          result.skipped
            ? `skipped ${id}: ${input}: its model exists already`
            : `trained ${id}: ${input}${result.resumed ? ' (resumed from its last checkpoint)' : ''}, model of step ${result.steps} in ${result.seconds.toFixed(1)} s${result.stopped ? ' (stopped by --time-limit; a rerun of unet train continues it)' : ''}`,
        );
      else if (result.skipped) print(`skipped ${id}: ${input}: its output is complete already`);
      else print(`done ${id}: ${input} -> ${result.written.join(', ')} in ${result.seconds.toFixed(2)} s`);
    },
    onHandedBack: ({ id, input, reason }) => print(`handed back ${id}: ${input}: ${reason}; it waits for another worker`),
    onError: (error) => {
      // Once per kind: a Redis restart repeats the same connection error many times a second.
      if (error.message !== lastError) process.stderr.write(`unet worker: ${error.message} (reconnecting)\n`);
      lastError = error.message;
    },
  });
  print(`worker on ${values.queue}: concurrency ${concurrency}, pid ${process.pid}, roots ${roots.join(', ')}`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      print(`${signal}: stopping after the current job(s); a fold being trained stops after its step and goes back to the queue`);
      stopping.abort();
      void worker.close().then(resolve, resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  handler.dispose();
  print('worker stopped');
}
