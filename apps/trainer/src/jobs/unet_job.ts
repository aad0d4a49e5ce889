import { type EvaluationJob, parseEvaluationJob } from './evaluation_job.js';
import { parseTrainingJob, type TrainingJob } from './training_job.js';
import { JobFormatError } from './job_errors.js';
import { parseSegmentationJob, SEGMENTATION_JOB_VERSION, type SegmentationJob } from './segmentation_job.js';

/** Every job a unet worker runs. */
export type UnetJob = SegmentationJob | EvaluationJob | TrainingJob;

/** Checks a job from a queue by its version and kind. */
export function parseJob(value: unknown): UnetJob {
  const job = value as { version?: unknown; kind?: unknown } | null;
  if (job !== null && typeof job === 'object' && job.version === SEGMENTATION_JOB_VERSION && job.kind === 'evaluate')
    return parseEvaluationJob(value);
  if (job !== null && typeof job === 'object' && job.version === SEGMENTATION_JOB_VERSION && job.kind === 'train')
    return parseTrainingJob(value);
  if (job !== null && typeof job === 'object' && job.version === SEGMENTATION_JOB_VERSION && job.kind !== 'segment') {
    throw new JobFormatError(`job ${JSON.stringify(value)?.slice(0, 200)}: kind ${String(job.kind)} is none of segment, evaluate, train`);
  }
  return parseSegmentationJob(value);
}

/** What names a job's input in progress lines and failures. */
export function jobInput(job: UnetJob): string {
  if (job.kind === 'train') return `fold ${job.options.fold} of ${job.options.folds} into ${job.options.out}`;
  return job.kind === 'segment' ? job.input : `${job.data} sample ${job.index}`;
}
