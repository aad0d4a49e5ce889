import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluationJob, parseEvaluationJob } from './evaluation_job.js';
import { JobFormatError } from './job_errors.js';
import { SEGMENTATION_JOB_VERSION } from './segmentation_job.js';

const options = { blend: 'none' as const, tta: false, instanceMethod: 'seeded' as const };

describe('evaluationJob', () => {
  it('names every model of an ensemble and the data by absolute paths, at the current version', () => {
    const job = evaluationJob({ models: ['fold-0/model', '/models/b'], data: 'data', format: 'folder', index: 2, options });
    expect(job).toMatchObject({ version: SEGMENTATION_JOB_VERSION, kind: 'evaluate', index: 2 });
    expect(job.models).toEqual([path.resolve('fold-0/model'), '/models/b']);
    expect(job.data).toBe(path.resolve('data'));
    expect(parseEvaluationJob(JSON.parse(JSON.stringify(job)))).toEqual(job);
  });
});

describe('parseEvaluationJob', () => {
  const job = evaluationJob({ models: ['/models/a'], data: '/data', format: 'folder', index: 0, options });
  it.each([
    [
      'a job of one model (version 2)',
      { ...job, models: undefined, model: '/models/a' },
      /models must be a list of one or more absolute paths/,
    ],
    ['an empty list of models', { ...job, models: [] }, /models must be a list of one or more absolute paths/],
    ['a relative model', { ...job, models: ['/models/a', 'fold-1'] }, /models must hold absolute paths, got "fold-1"/],
    ['a relative data set', { ...job, data: 'data' }, /data must hold absolute paths, got "data"/],
    ['a negative index', { ...job, index: -1 }, /index must be a whole number >= 0/],
  ])('refuses %s with a JobFormatError that says what is wrong', (_, value, message) => {
    expect(() => parseEvaluationJob(value)).toThrow(JobFormatError);
    expect(() => parseEvaluationJob(value)).toThrow(message);
  });
});
