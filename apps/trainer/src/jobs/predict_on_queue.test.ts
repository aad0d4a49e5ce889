import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage_error.js';
import { segmentationJobs } from './predict_on_queue.js';

const options = { blend: 'none', tta: false, overlay: false, probabilities: false, instances: false } as const;

describe('segmentationJobs', () => {
  it('makes one job per image, its mask OUT/NAME.png as unet predict names it', () => {
    const jobs = segmentationJobs(['/data/a.tif', '/data/b.jpg'], '/models/m', '/out', options);
    expect(jobs.map((job) => [job.input, job.output])).toEqual([
      ['/data/a.tif', '/out/a.png'],
      ['/data/b.jpg', '/out/b.png'],
    ]);
  });
  it('refuses two images that would write the same mask', () => {
    expect(() => segmentationJobs(['/data/1/a.png', '/data/2/a.png'], '/m', '/out', options)).toThrow(UsageError);
    expect(() => segmentationJobs(['/data/1/a.png', '/data/2/a.png'], '/m', '/out', options)).toThrow(
      '/data/1/a.png and /data/2/a.png would both write /out/a.png',
    );
  });
});
