import { existsSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { removeStaleTemporaryFiles } from '@unet/core/node';
import { assembleRowParts } from '../regions/assemble_row_parts.js';
import { RowPartError } from '../regions/row_part_file.js';
import { checkAllowedPath } from './allowed_roots.js';
import type { AssemblyJob } from './assembly_job.js';
import { JobRefusedError } from './job_errors.js';
import type { SegmentationJobResult } from './run_segmentation_job.js';
import type { JobRun } from './unet_job.js';

/**
 * Joins a huge image's parts into its BigTIFF mask, then removes them; a mask that exists marks
 * the job done (a retried or stalled assembly is skipped). A part missing or not fitting the
 * others fails the job at once, with the part to make again.
 */
export function createAssemblyJobHandler(context: { allowedRoots?: readonly string[] } = {}) {
  return async (job: AssemblyJob, run: JobRun = {}): Promise<SegmentationJobResult> => {
    const started = performance.now();
    if (context.allowedRoots !== undefined) {
      checkAllowedPath(job.output, context.allowedRoots, 'output');
      for (const part of job.parts) checkAllowedPath(part, context.allowedRoots, 'part');
    }
    const seconds = () => (performance.now() - started) / 1000;
    if (run.startedBefore) await removeStaleTemporaryFiles(path.dirname(job.output), { prefix: path.parse(job.output).name });
    if (existsSync(job.output)) return { skipped: true, written: [], seconds: seconds() };
    const missing = job.parts.filter((part) => !existsSync(part));
    if (missing.length > 0)
      throw new JobRefusedError(
        `${job.output}: ${missing.length} part(s) missing (${missing[0]}, ...); run unet predict --queue on ${job.input} again`,
      );
    try {
      await assembleRowParts(job.parts, job.output, { width: job.width, height: job.height });
    } catch (error) {
      if (error instanceof RowPartError) throw new JobRefusedError(error.message);
      throw error;
    }
    // The parts are the mask's now; their folder goes when it holds nothing else.
    for (const part of job.parts) await rm(part, { force: true });
    for (const folder of new Set(job.parts.map((part) => path.dirname(part)))) await rmdir(folder).catch(() => undefined);
    return { skipped: false, written: [job.output], width: job.width, height: job.height, seconds: seconds() };
  };
}
