import { createEvaluationJobHandler, type EvaluationJobResult } from './run_evaluation_job.js';
import { createSegmentationJobHandler, type SegmentationJobResult } from './run_segmentation_job.js';
import type { UnetJob } from './unet_job.js';

/** A worker's handler for every kind of job, each kind's models and data sets kept between jobs. */
export function createJobHandler(context: { allowedRoots?: readonly string[] } = {}) {
  const segment = createSegmentationJobHandler(context);
  const evaluate = createEvaluationJobHandler(context);
  const handler = (job: UnetJob): Promise<SegmentationJobResult | EvaluationJobResult> =>
    job.kind === 'segment' ? segment(job) : evaluate(job);
  return Object.assign(handler, {
    dispose() {
      segment.dispose();
      evaluate.dispose();
    },
  });
}
