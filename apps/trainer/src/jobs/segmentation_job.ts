import path from 'node:path';
import type { InstanceMethod } from '@unet/core';
import { instanceMethods } from '@unet/core';
import { JobFormatError } from './job_errors.js';

/**
 * The version of the job's JSON; a worker refuses jobs of another version rather than guess.
 * 2: a segmentation job names a list of models (an ensemble), so that a worker of version 1,
 * which would read one model and ignore the rest, refuses it instead.
 * 3: an evaluation job names a list of models too (`models`, in place of `model`).
 */
export const SEGMENTATION_JOB_VERSION = 3;

/** How one image is segmented: the flags of `unet predict`, as data. */
export interface SegmentationJobOptions {
  /** Output tile side in px; absent: the model's own. */
  outputTileSize?: number;
  contextMargin?: number;
  blend: 'none' | 'gaussian';
  tta: boolean;
  /** Also OUTPUT_overlay.png, OUTPUT_probability*.png, OUTPUT_instances.png beside the mask. */
  overlay: boolean;
  probabilities: boolean;
  instances: boolean;
  /** Absent: the model's own (metadata instanceMethod), else seeded. */
  instanceMethod?: InstanceMethod;
  /** --threshold: class 1 where its probability reaches it; absent: the model's own, else the most probable class. */
  threshold?: number;
  /** Region by region into a tiled BigTIFF (OUTPUT is NAME.tif): an image too large to read whole. */
  byRegions?: boolean;
  /**
   * With byRegions: only the bands of tiles whose first row lies in [start, end), into a part
   * file (OUTPUT) that an assembling job joins into the BigTIFF: one of a huge image's jobs.
   */
  rows?: { start: number; end: number };
}

/**
 * "This image, this model, these options, that output": what a runner hands a worker. It
 * carries paths, never pixels, so that a job is a few hundred bytes in Redis whatever the image's
 * size, and every path is absolute, so that a worker started in another folder reads the same
 * files (the machines share a file system).
 */
export interface SegmentationJob {
  version: typeof SEGMENTATION_JOB_VERSION;
  kind: 'segment';
  /** The image file. */
  input: string;
  /** The model folders (model.json + weights); more than one: their class probabilities are averaged, the first's metadata used. */
  models: string[];
  /** The mask file (NAME.png); the extras the options ask for go beside it. */
  output: string;
  options: SegmentationJobOptions;
}

export function segmentationJob(
  input: string,
  models: string | readonly string[],
  output: string,
  options: SegmentationJobOptions,
): SegmentationJob {
  return {
    version: SEGMENTATION_JOB_VERSION,
    kind: 'segment',
    input: path.resolve(input),
    models: (typeof models === 'string' ? [models] : models).map((model) => path.resolve(model)),
    output: path.resolve(output),
    options,
  };
}

/** Checks a job that came from a queue (another version of unet may have put it there). */
export function parseSegmentationJob(value: unknown): SegmentationJob {
  const job = value as Partial<SegmentationJob> | null;
  const describe = () => JSON.stringify(value)?.slice(0, 200);
  if (job === null || typeof job !== 'object')
    throw new JobFormatError(`job ${describe()}: not an object; the queue holds something that is not a unet job`);
  if (job.version !== SEGMENTATION_JOB_VERSION) {
    throw new JobFormatError(
      `job ${describe()}: version ${String(job.version)}, this worker runs version ${SEGMENTATION_JOB_VERSION}; run workers of the unet that queued it`,
    );
  }
  if (job.kind !== 'segment') throw new JobFormatError(`job ${describe()}: kind ${String(job.kind)} is not 'segment'`);
  for (const key of ['input', 'output'] as const) {
    const file = job[key];
    if (typeof file !== 'string' || !path.isAbsolute(file))
      throw new JobFormatError(`job ${describe()}: ${key} must be an absolute path, got ${JSON.stringify(file)}`);
  }
  if (
    !Array.isArray(job.models) ||
    job.models.length === 0 ||
    !job.models.every((model) => typeof model === 'string' && path.isAbsolute(model))
  )
    throw new JobFormatError(`job ${describe()}: models must be a list of absolute paths, got ${JSON.stringify(job.models)}`);
  const options = job.options as Partial<SegmentationJobOptions> | undefined;
  if (options === undefined || typeof options !== 'object') throw new JobFormatError(`job ${describe()}: no options`);
  if (options.blend !== 'none' && options.blend !== 'gaussian')
    throw new JobFormatError(`job ${describe()}: blend must be none or gaussian`);
  for (const key of ['tta', 'overlay', 'probabilities', 'instances'] as const) {
    if (typeof options[key] !== 'boolean') throw new JobFormatError(`job ${describe()}: options.${key} must be true or false`);
  }
  if (options.byRegions !== undefined && typeof options.byRegions !== 'boolean')
    throw new JobFormatError(`job ${describe()}: options.byRegions must be true or false`);
  if (options.rows !== undefined) {
    const { start, end } = options.rows as Partial<{ start: number; end: number }>;
    if (!(options.byRegions === true && Number.isInteger(start) && Number.isInteger(end) && start! >= 0 && end! > start!))
      throw new JobFormatError(
        `job ${describe()}: options.rows must be {start, end}, whole rows with end > start >= 0, and go with byRegions`,
      );
  }
  for (const key of ['outputTileSize', 'contextMargin'] as const) {
    const size = options[key];
    if (size !== undefined && !(Number.isInteger(size) && size >= 0))
      throw new JobFormatError(`job ${describe()}: options.${key} must be a whole number of px`);
  }
  if (options.threshold !== undefined && !(typeof options.threshold === 'number' && options.threshold >= 0 && options.threshold <= 1)) {
    throw new JobFormatError(`job ${describe()}: options.threshold must be a probability between 0 and 1`);
  }
  if (options.instanceMethod !== undefined && !instanceMethods.includes(options.instanceMethod)) {
    throw new JobFormatError(`job ${describe()}: options.instanceMethod must be one of ${instanceMethods.join(', ')}`);
  }
  return job as SegmentationJob;
}
