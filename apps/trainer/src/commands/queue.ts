import { parseArgs } from 'node:util';
import { formatCounts } from '../jobs/job_progress.js';
import { parseQueueUrl } from '../jobs/queue_url.js';
import { RedisJobQueue } from '../jobs/redis_job_queue.js';
import { UsageError } from '../usage_error.js';

export const queueCommandHelp = `unet queue: show and manage the jobs of a queue (unet predict --queue, unet worker)

Usage: unet queue status|retry-failed|clean --queue redis://HOST:PORT/DB [--all]

  status        waiting, active, retrying, done and failed jobs, and each failure's reason
  retry-failed  moves the failed jobs back to waiting, for a fresh set of attempts
  clean         removes the records of done and failed jobs (their files stay); with --all,
                also of the waiting and retrying ones (a huge image's waiting assembly too)
`;

const actions = ['status', 'retry-failed', 'clean'] as const;

export async function queueCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { queue: { type: 'string' }, all: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    print(queueCommandHelp);
    return;
  }
  const action = positionals[0];
  if (action === undefined || !actions.includes(action as (typeof actions)[number]) || positionals.length > 1) {
    throw new UsageError(`name one action: ${actions.join(', ')} (unet queue --help)`);
  }
  if (values.queue === undefined) throw new UsageError('--queue redis://HOST:PORT/DB is required');
  const queue = new RedisJobQueue(parseQueueUrl(values.queue));
  try {
    await queue.reachable(values.queue);
    if (action === 'status') {
      print(`${values.queue}: ${formatCounts(await queue.counts())}`);
      for (const failure of await queue.failures())
        print(`failed ${failure.id}: ${failure.input} (${failure.attempts} attempt(s)): ${failure.reason}`);
    } else if (action === 'retry-failed') {
      print(`${await queue.retryFailed()} failed job(s) moved back to waiting`);
    } else {
      print(`removed ${await queue.clean(values.all)} job record(s)`);
    }
  } finally {
    await queue.close();
  }
}
