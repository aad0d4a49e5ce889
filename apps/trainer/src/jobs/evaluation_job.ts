import path from 'node:path';
import { type InstanceMethod, instanceMethods } from '@unet/core';
import { JobFormatError } from './job_errors.js';
import { SEGMENTATION_JOB_VERSION } from './segmentation_job.js';

/**
 * "Measure this model (or the mean of these models) on sample INDEX of that data set": one image of `unet eval --queue`. The
 * worker returns the image's measure state (evaluate/segmentation_measures.ts), and the command
 * merges the states in the samples' order, so the numbers are those of `unet eval` in one
 * process. Everything the command resolved from the model (tile, threshold, instance method)
 * travels in the job, so that every worker measures alike.
 */
export interface EvaluationJob {
  version: typeof SEGMENTATION_JOB_VERSION;
  kind: 'evaluate';
  /** The model folders; more than one: their class probabilities are averaged, the first's metadata used (as unet eval --model A,B). */
  models: string[];
  /** The data set's root folder, its layout and split (as `unet eval` takes them). */
  data: string;
  format: string;
  split?: string;
  index: number;
  options: {
    outputTileSize?: number;
    contextMargin?: number;
    blend: 'none' | 'gaussian';
    tta: boolean;
    threshold?: number;
    instanceMethod: InstanceMethod;
  };
}

export function evaluationJob(fields: Omit<EvaluationJob, 'version' | 'kind'>): EvaluationJob {
  return {
    version: SEGMENTATION_JOB_VERSION,
    kind: 'evaluate',
    ...fields,
    models: fields.models.map((model) => path.resolve(model)),
    data: path.resolve(fields.data),
  };
}

/** Checks an evaluation job that came from a queue. */
export function parseEvaluationJob(value: unknown): EvaluationJob {
  const job = value as Partial<EvaluationJob>;
  const describe = () => JSON.stringify(value)?.slice(0, 200);
  if (!Array.isArray(job.models) || job.models.length === 0)
    throw new JobFormatError(`job ${describe()}: models must be a list of one or more absolute paths`);
  for (const [key, file] of [...job.models.map((model) => ['models', model] as const), ['data', job.data] as const]) {
    if (typeof file !== 'string' || !path.isAbsolute(file))
      throw new JobFormatError(`job ${describe()}: ${key} must hold absolute paths, got ${JSON.stringify(file)}`);
  }
  if (typeof job.format !== 'string') throw new JobFormatError(`job ${describe()}: no format`);
  if (!Number.isInteger(job.index) || (job.index as number) < 0)
    throw new JobFormatError(`job ${describe()}: index must be a whole number >= 0`);
  const options = job.options;
  if (options === undefined || typeof options !== 'object') throw new JobFormatError(`job ${describe()}: no options`);
  if (options.blend !== 'none' && options.blend !== 'gaussian')
    throw new JobFormatError(`job ${describe()}: blend must be none or gaussian`);
  if (typeof options.tta !== 'boolean') throw new JobFormatError(`job ${describe()}: options.tta must be true or false`);
  if (!instanceMethods.includes(options.instanceMethod))
    throw new JobFormatError(`job ${describe()}: options.instanceMethod must be one of ${instanceMethods.join(', ')}`);
  if (options.threshold !== undefined && !(options.threshold >= 0 && options.threshold <= 1))
    throw new JobFormatError(`job ${describe()}: options.threshold must be a probability`);
  return job as EvaluationJob;
}
