import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { InstanceMethod } from '@unet/core';
import { goesByRegions } from '../regions/predict_by_regions.js';
import { largeMaskFile } from '../regions/segment_large_file.js';
import { UsageError } from '../usage_error.js';
import { followRun } from './follow_run.js';
import { formatCounts, type JobCounts } from './job_progress.js';
import { parseQueueUrl } from './queue_url.js';
import { RedisJobQueue } from './redis_job_queue.js';
import { segmentationJob, type SegmentationJob, type SegmentationJobOptions } from './segmentation_job.js';
import { existsSync } from 'node:fs';
import { imageSize } from '../regions/image_regions.js';
import { DEFAULT_ROWS_PER_JOB, partsFolder, splitHugeImageJob } from './huge_image_jobs.js';
import { removeTemporaryFilesOfKilledWriters } from '../prediction/stale_temporary_files.js';

/** The flags `unet predict` takes for a queued run (spread into its parseArgs options). */
export const queueFlags = {
  queue: { type: 'string' },
  detach: { type: 'boolean', default: false },
  attempts: { type: 'string' },
  'rows-per-job': { type: 'string' },
} as const;

export const queueHelp = `  --queue URL       put one job per image on a BullMQ queue on Redis (redis://HOST:PORT/DB)
                    for unet worker processes to run, and show progress until all are done
  --detach          with --queue: return once the jobs are queued (unet queue status follows them)
  --attempts N      with --queue: tries per job before it is parked as failed (default 3; a
                    missing file, a path a worker may not use or a folder that is not a model
                    fail at once)
  --rows-per-job N  with --queue: an image segmented region by region that is taller than N px
                    (default ${DEFAULT_ROWS_PER_JOB}) becomes one job per N rows (the rows of tiles that begin in
                    them, into a part file under OUT/.NAME.tif.parts/) and a job that joins the
                    parts into NAME.tif once all are done, so that several workers share it`;

export interface QueuedPredictValues {
  queue?: string;
  detach?: boolean;
  attempts?: string;
  /** The model folders (one, or an ensemble's). */
  models: string[];
  out: string;
  overlay: boolean;
  probabilities: boolean;
  instances: boolean;
  'instance-method'?: string;
  tta: boolean;
  'by-regions'?: boolean;
  'rows-per-job'?: string;
  /** --threshold, read. */
  thresholdFlag?: number;
}

/**
 * One job per image file: the mask goes to OUT/NAME.png, as unet predict writes it in-process,
 * or OUT/NAME.tif for the images (index in `byRegions`) that go region by region.
 */
export function segmentationJobs(
  files: readonly string[],
  models: string | readonly string[],
  out: string,
  options: SegmentationJobOptions,
  byRegions: ReadonlySet<number> = new Set(),
): SegmentationJob[] {
  const byOutput = new Map<string, string>();
  return files.map((file, index) => {
    const regions = byRegions.has(index);
    const output = regions ? largeMaskFile(out, file) : path.join(out, `${path.parse(file).name}.png`);
    const earlier = byOutput.get(output);
    if (earlier !== undefined)
      throw new UsageError(`${earlier} and ${file} would both write ${output}; segment them into different --out folders`);
    byOutput.set(output, file);
    return segmentationJob(file, models, output, regions ? { ...options, byRegions: true } : options);
  });
}

/** `unet predict --queue URL`: enqueue, then follow (or return at once with --detach). */
export async function predictOnQueue(
  values: QueuedPredictValues,
  files: readonly string[],
  tiling: { outputTileSize?: number; contextMargin?: number; blend?: 'none' | 'gaussian' },
  print: (line: string) => void,
): Promise<void> {
  const address = parseQueueUrl(values.queue!);
  const attempts = values.attempts === undefined ? 3 : Number(values.attempts);
  if (!Number.isInteger(attempts) || attempts < 1)
    throw new UsageError(`--attempts: expected a whole number >= 1, got '${values.attempts}'`);
  const rowsPerJob = values['rows-per-job'] === undefined ? DEFAULT_ROWS_PER_JOB : Number(values['rows-per-job']);
  if (!Number.isInteger(rowsPerJob) || rowsPerJob < 1)
    throw new UsageError(`--rows-per-job: expected a whole number of rows >= 1, got '${values['rows-per-job']}'`);
  // Decided here, from the headers, so that the job names its real output (NAME.tif) and a worker can skip it when done.
  const byRegions = new Set<number>();
  for (const [index, file] of files.entries()) {
    try {
      if (await goesByRegions(file, { ...values, byRegions: values['by-regions'] ?? false, blend: tiling.blend })) byRegions.add(index);
    } catch (error) {
      // A header that cannot be read is the job's to report (each bad job fails alone, with its reason).
      if (error instanceof UsageError) throw error;
    }
  }
  const jobs = segmentationJobs(
    files,
    values.models,
    values.out,
    {
      ...(tiling.outputTileSize === undefined ? {} : { outputTileSize: tiling.outputTileSize }),
      ...(tiling.contextMargin === undefined ? {} : { contextMargin: tiling.contextMargin }),
      blend: tiling.blend ?? 'none',
      tta: values.tta,
      overlay: values.overlay,
      probabilities: values.probabilities,
      instances: values.instances,
      ...(values['instance-method'] === undefined ? {} : { instanceMethod: values['instance-method'] as InstanceMethod }),
      ...(values.thresholdFlag === undefined ? {} : { threshold: values.thresholdFlag }),
    },
    byRegions,
  );
  const queue = new RedisJobQueue(address);
  try {
    await queue.reachable(values.queue!);
    const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    // Images taller than --rows-per-job that go region by region: a flow of part jobs and their assembly.
    const single: SegmentationJob[] = [];
    const flows: Array<ReturnType<typeof splitHugeImageJob>> = [];
    for (const [index, job] of jobs.entries()) {
      const size = byRegions.has(index) && !existsSync(job.output) ? await imageSize(files[index]!) : undefined;
      if (size !== undefined && size.height > rowsPerJob) flows.push(splitHugeImageJob(job, size, rowsPerJob));
      else single.push(job);
    }
    // A run before this one killed mid-write may have left temporary files beside the outputs: removed once per folder.
    const folders = [...single.map((job) => path.dirname(job.output)), ...flows.map((flow) => partsFolder(flow.parent.output))];
    await removeTemporaryFilesOfKilledWriters(folders, print);
    const ids = single.length > 0 ? await queue.enqueue(runId, single, { attempts }) : [];
    for (const [index, flow] of flows.entries()) {
      const flowIds = await queue.enqueueFlow(`${runId}-image-${index}`, flow.parent, flow.children, { attempts });
      print(
        `${flow.parent.input}: ${flow.children.length} jobs of ${rowsPerJob} rows, then one that joins them into ${flow.parent.output}`,
      );
      ids.push(...flowIds);
    }
    print(`queued ${ids.length} job(s) on ${values.queue} as run ${runId} (jobs ${ids[0]} ..)`);
    if (values.detach) {
      print(`not waiting (--detach): unet queue status --queue ${values.queue} shows them; unet worker --queue ${values.queue} runs them`);
      return;
    }
    const started = performance.now();
    let last = '';
    let lastPrinted = 0;
    const { counts, failures } = await followRun(queue, ids, {
      onCounts: (current: JobCounts) => {
        const line = formatCounts(current);
        const now = performance.now();
        // A line when the counts change, at most one a second: a run of 100,000 jobs logs calmly.
        if (line !== last && now - lastPrinted >= 1000) {
          print(`run ${runId}: ${line}`);
          last = line;
          lastPrinted = now;
        }
      },
    });
    for (const failure of failures) print(`failed: ${failure.input} (${failure.attempts} attempt(s)): ${failure.reason}`);
    print(`run ${runId}: ${formatCounts(counts)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (failures.length > 0)
      throw new Error(
        `${failures.length} of ${ids.length} job(s) failed (listed above); unet queue retry-failed --queue ${values.queue} tries them again`,
      );
  } finally {
    await queue.close();
  }
}
