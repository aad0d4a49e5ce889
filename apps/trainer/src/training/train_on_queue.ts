import { randomBytes } from 'node:crypto';
import { followRun } from '../jobs/follow_run.js';
import { formatCounts } from '../jobs/job_progress.js';
import { parseQueueUrl } from '../jobs/queue_url.js';
import { RedisJobQueue } from '../jobs/redis_job_queue.js';
import type { TrainingJobResult } from '../jobs/run_training_job.js';
import { type FoldTrainOptions, trainingJob } from '../jobs/training_job.js';

/**
 * `unet train --folds K --queue URL`: one job per fold, trained by `unet worker`s; waits for
 * them (or returns with --detach) and returns each fold's result, in the folds' order.
 */
export async function trainFoldsOnQueue(
  url: string,
  folds: readonly FoldTrainOptions[],
  options: { attempts: number; detach: boolean },
  print: (line: string) => void,
): Promise<Array<TrainingJobResult | undefined>> {
  const queue = new RedisJobQueue(parseQueueUrl(url));
  try {
    await queue.reachable(url);
    const runId = `train-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const ids = await queue.enqueue(runId, folds.map(trainingJob), { attempts: options.attempts });
    print(`queued ${ids.length} fold job(s) on ${url} as run ${runId}`);
    if (options.detach) {
      print(`not waiting (--detach): unet queue status --queue ${url} shows them; unet worker --queue ${url} runs them`);
      return [];
    }
    let last = '';
    const { failures } = await followRun(queue, ids, {
      pollMs: 1000,
      onCounts: (counts) => {
        const line = formatCounts(counts);
        if (line !== last) print(`run ${runId}: ${line}`);
        last = line;
      },
    });
    for (const failure of failures) print(`failed: ${failure.input} (${failure.attempts} attempt(s)): ${failure.reason}`);
    if (failures.length > 0)
      throw new Error(
        `${failures.length} of ${ids.length} fold(s) failed (listed above); rerun the same command to train them again (done folds are skipped, started ones resume)`,
      );
    return queue.results<TrainingJobResult>(ids);
  } finally {
    await queue.close();
  }
}
