import { type EvaluationJob, parseEvaluationJob } from './evaluation_job.js';
import { parseTrainingJob, type TrainingJob } from './training_job.js';
import { type AssemblyJob, parseAssemblyJob } from './assembly_job.js';
import { JobFormatError } from './job_errors.js';
import { parseSegmentationJob, SEGMENTATION_JOB_VERSION, type SegmentationJob } from './segmentation_job.js';

/** What a runner tells a handler about this run of a job. */
export interface JobRun {
  /** An earlier attempt began it (and may have died mid-write, leaving temporary files). */
  startedBefore?: boolean;
}

/** Every job a unet worker runs. */
export type UnetJob = SegmentationJob | EvaluationJob | TrainingJob | AssemblyJob;

/** Checks a job from a queue by its version and kind. */
export function parseJob(value: unknown): UnetJob {
  const job = value as { version?: unknown; kind?: unknown } | null;
  if (job === null || typeof job !== 'object' || job.version !== SEGMENTATION_JOB_VERSION) return parseSegmentationJob(value);
  switch (job.kind) {
    case 'segment':
      return parseSegmentationJob(value);
    case 'evaluate':
      return parseEvaluationJob(value);
    case 'train':
      return parseTrainingJob(value);
    case 'assemble':
      return parseAssemblyJob(value);
    default:
      throw new JobFormatError(
        `job ${JSON.stringify(value)?.slice(0, 200)}: kind ${String(job.kind)} is none of segment, evaluate, train, assemble`,
      );
  }
}

/** What names a job's input in progress lines and failures. */
export function jobInput(job: UnetJob): string {
  if (job.kind === 'assemble') return `${job.input} (its ${job.parts.length} parts into ${job.output})`;
  if (job.kind === 'segment' && job.options.rows !== undefined)
    return `${job.input} rows ${job.options.rows.start}..${job.options.rows.end - 1}`;
  if (job.kind === 'train') return `fold ${job.options.fold} of ${job.options.folds} into ${job.options.out}`;
  return job.kind === 'segment' ? job.input : `${job.data} sample ${job.index}`;
}
