import { describe, expect, it } from 'vitest';
import { trainDefaults } from '../options/train_options.js';
import { JobFormatError } from './job_errors.js';
import { SEGMENTATION_JOB_VERSION } from './segmentation_job.js';
import { parseTrainingJob, trainingJob } from './training_job.js';
import { jobInput, parseJob } from './unet_job.js';

const options = { ...trainDefaults, format: 'folder' as const, data: 'data', out: 'runs/folds', folds: 3, fold: 1 };

describe('trainingJob', () => {
  it('holds the fold and absolute paths, never resumes by itself, and survives JSON as a unet job', () => {
    const job = trainingJob({ ...options, resume: true });
    expect(job.options).toMatchObject({
      out: `${process.cwd()}/runs/folds`,
      data: `${process.cwd()}/data`,
      folds: 3,
      fold: 1,
      resume: false,
    });
    expect(parseJob(JSON.parse(JSON.stringify(job)))).toEqual(job);
    expect(jobInput(job)).toBe(`fold 1 of 3 into ${process.cwd()}/runs/folds`);
  });

  it.each([
    ['a relative out', { ...options, out: 'runs' }, /options.out must be an absolute path/],
    ['a fold out of range', { ...options, out: '/runs', data: '/data', fold: 3 }, /options.fold one from 0 to folds - 1/],
    ['no folds', { ...options, out: '/runs', data: '/data', folds: undefined }, /options.folds must be a whole number >= 2/],
  ])('refuses %s with a JobFormatError', (_, jobOptions, message) => {
    const job = { version: SEGMENTATION_JOB_VERSION, kind: 'train', options: jobOptions };
    expect(() => parseTrainingJob(job)).toThrow(JobFormatError);
    expect(() => parseTrainingJob(job)).toThrow(message);
  });
});
