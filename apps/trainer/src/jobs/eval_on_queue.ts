import { randomBytes } from 'node:crypto';
import type { InstanceMethod } from '@unet/core';
import { createMeasureAccumulator, type MeasureOptions, type SegmentationMeasures } from '../evaluate/segmentation_measures.js';
import { evaluationJob, type EvaluationJob } from './evaluation_job.js';
import { followRun } from './follow_run.js';
import { formatCounts } from './job_progress.js';
import { parseQueueUrl } from './queue_url.js';
import { RedisJobQueue } from './redis_job_queue.js';
import type { EvaluationJobResult } from './run_evaluation_job.js';

export interface QueuedEvaluation {
  queue: string;
  /** The model folders: one, or an ensemble's. */
  models: string[];
  data: string;
  format: string;
  split?: string;
  indices: readonly number[];
  options: EvaluationJob['options'] & { instanceMethod: InstanceMethod };
  measureOptions: MeasureOptions;
}

/**
 * `unet eval --queue URL`: one job per sample, measured by `unet worker`s, their measure states
 * merged in the samples' order into the numbers `unet eval` gives in one process.
 */
export async function measureOnQueue(request: QueuedEvaluation, log: (line: string) => void): Promise<SegmentationMeasures> {
  const queue = new RedisJobQueue(parseQueueUrl(request.queue));
  try {
    await queue.reachable(request.queue);
    const jobs = request.indices.map((index) =>
      evaluationJob({
        models: request.models,
        data: request.data,
        format: request.format,
        ...(request.split === undefined ? {} : { split: request.split }),
        index,
        options: request.options,
      }),
    );
    const runId = `eval-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const ids = await queue.enqueue(runId, jobs);
    log(`queued ${ids.length} sample(s) on ${request.queue} as run ${runId}`);
    let last = '';
    const { failures } = await followRun(queue, ids, {
      onCounts: (counts) => {
        const line = formatCounts(counts);
        if (line !== last) log(`run ${runId}: ${line}`);
        last = line;
      },
    });
    if (failures.length > 0) {
      for (const failure of failures) log(`failed: ${failure.input} (${failure.attempts} attempt(s)): ${failure.reason}`);
      throw new Error(`${failures.length} of ${ids.length} sample(s) could not be measured (listed above); the measures need every one`);
    }
    const results = await queue.results<EvaluationJobResult>(ids);
    const accumulator = createMeasureAccumulator(request.measureOptions);
    for (const [position, result] of results.entries()) {
      if (result === undefined)
        throw new Error(
          `job ${ids[position]}: done, but its result is gone from the queue (unet queue clean?); run unet eval --queue again`,
        );
      accumulator.merge(result.state);
      const parts = Object.entries(result.perImage).map(([name, value]) => `${name} ${(value as number).toFixed(4)}`);
      log(`[${position + 1}/${results.length}] ${result.id}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`);
    }
    return accumulator.result();
  } finally {
    await queue.close();
  }
}
