import { describe, expect, it } from 'vitest';
import { JobFormatError } from './job_errors.js';
import { parseSegmentationJob, SEGMENTATION_JOB_VERSION, segmentationJob } from './segmentation_job.js';

const options = { blend: 'none', tta: false, overlay: false, probabilities: false, instances: false } as const;

describe('segmentationJob', () => {
  it('holds absolute paths and the options, and survives JSON', () => {
    const job = segmentationJob('images/a.png', 'run/model', 'out/a.png', { ...options, outputTileSize: 64 });
    expect(job).toEqual({
      version: SEGMENTATION_JOB_VERSION,
      kind: 'segment',
      input: `${process.cwd()}/images/a.png`,
      models: [`${process.cwd()}/run/model`],
      output: `${process.cwd()}/out/a.png`,
      options: { ...options, outputTileSize: 64 },
    });
    expect(parseSegmentationJob(JSON.parse(JSON.stringify(job)))).toEqual(job);
  });
});

describe('parseSegmentationJob', () => {
  const job = segmentationJob('/data/a.png', '/models/m', '/out/a.png', options);
  it.each([
    ['a job of another version', { ...job, version: 1 }, /version 1, this worker runs version 3/],
    ['a job of one model (version 1)', { ...job, models: undefined, model: '/models/m' }, /models must be a list of absolute paths/],
    ['an empty list of models', { ...job, models: [] }, /models must be a list of absolute paths, got \[\]/],
    ['a relative model', { ...job, models: ['/models/m', 'fold-1'] }, /models must be a list of absolute paths/],
    ['a relative path', { ...job, input: 'a.png' }, /input must be an absolute path, got "a.png"/],
    ['a missing option', { ...job, options: { ...options, tta: undefined } }, /options.tta must be true or false/],
    ['an unknown blend', { ...job, options: { ...options, blend: 'max' } }, /blend must be none or gaussian/],
    ['a tile that is not a size', { ...job, options: { ...options, outputTileSize: 1.5 } }, /outputTileSize must be a whole number/],
    ['an unknown instance method', { ...job, options: { ...options, instanceMethod: 'watershed' } }, /instanceMethod must be one of/],
    ['not an object', 'segment /data/a.png', /not an object/],
  ])('refuses %s with a JobFormatError that says what is wrong', (_, value, message) => {
    expect(() => parseSegmentationJob(value)).toThrow(JobFormatError);
    expect(() => parseSegmentationJob(value)).toThrow(message);
  });
});
