import { createEvaluationJobHandler, type EvaluationJobResult } from './run_evaluation_job.js';
import { createSegmentationJobHandler, type SegmentationJobResult } from './run_segmentation_job.js';
import { createTrainingJobHandler, type TrainingJobResult } from './run_training_job.js';
import { createAssemblyJobHandler } from './run_assembly_job.js';
import type { JobRun, UnetJob } from './unet_job.js';

/** A worker's handler for every kind of job, each kind's models and data sets kept between jobs. */
export function createJobHandler(
  context: { allowedRoots?: readonly string[]; backend?: string; print?: (line: string) => void; stopping?: AbortSignal } = {},
) {
  const segment = createSegmentationJobHandler(context);
  const evaluate = createEvaluationJobHandler(context);
  const train = createTrainingJobHandler({ ...context, backend: context.backend ?? 'cpu' });
  const assemble = createAssemblyJobHandler(context);
  const handler = (job: UnetJob, run: JobRun = {}): Promise<SegmentationJobResult | EvaluationJobResult | TrainingJobResult> =>
    job.kind === 'segment'
      ? segment(job, run)
      : job.kind === 'evaluate'
        ? evaluate(job)
        : job.kind === 'assemble'
          ? assemble(job, run)
          : train(job);
  return Object.assign(handler, {
    dispose() {
      segment.dispose();
      evaluate.dispose();
    },
  });
}
