import path from 'node:path';
import { JobFormatError } from './job_errors.js';
import { SEGMENTATION_JOB_VERSION } from './segmentation_job.js';

/**
 * "Join these parts into that mask": the last job of a huge image split into jobs of rows of
 * tiles. It is the parent of the part jobs on the queue (a BullMQ flow), so that it runs once
 * every part is done, on whichever worker is free; a part that fails for good fails it too.
 */
export interface AssemblyJob {
  version: typeof SEGMENTATION_JOB_VERSION;
  kind: 'assemble';
  /** The image, for messages. */
  input: string;
  /** The part files, top to bottom. */
  parts: string[];
  /** The mask: NAME.tif, a tiled BigTIFF. */
  output: string;
  width: number;
  height: number;
}

export function assemblyJob(fields: Omit<AssemblyJob, 'version' | 'kind'>): AssemblyJob {
  return {
    version: SEGMENTATION_JOB_VERSION,
    kind: 'assemble',
    ...fields,
    input: path.resolve(fields.input),
    parts: fields.parts.map((part) => path.resolve(part)),
    output: path.resolve(fields.output),
  };
}

export function parseAssemblyJob(value: unknown): AssemblyJob {
  const job = value as Partial<AssemblyJob>;
  const describe = () => JSON.stringify(value)?.slice(0, 200);
  for (const key of ['input', 'output'] as const) {
    if (typeof job[key] !== 'string' || !path.isAbsolute(job[key]))
      throw new JobFormatError(`job ${describe()}: ${key} must be an absolute path, got ${JSON.stringify(job[key])}`);
  }
  if (!Array.isArray(job.parts) || job.parts.length === 0 || !job.parts.every((part) => typeof part === 'string' && path.isAbsolute(part)))
    throw new JobFormatError(`job ${describe()}: parts must be a list of absolute paths`);
  if (!(Number.isInteger(job.width) && job.width! > 0 && Number.isInteger(job.height) && job.height! > 0))
    throw new JobFormatError(`job ${describe()}: width and height must be whole numbers of px`);
  return job as AssemblyJob;
}
