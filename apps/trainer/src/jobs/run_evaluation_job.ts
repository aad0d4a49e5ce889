import type { Dataset } from '@unet/data';
import { loadDataset } from '@unet/data/node';
import { segmentImage } from '@unet/inference';
import { modelMetadata } from '@unet/model';
import { datasetOptions } from '../evaluate/dataset_options.js';
import { createMeasureAccumulator, type MeasureState, type PerImageMeasures } from '../evaluate/segmentation_measures.js';
import { UsageError } from '../usage_error.js';
import { checkAllowedPath } from './allowed_roots.js';
import type { EvaluationJob } from './evaluation_job.js';
import { JobRefusedError } from './job_errors.js';
import { createModelCache } from './model_cache.js';
import { ensembleNetwork } from '../prediction/model_ensemble.js';

export interface EvaluationJobResult {
  /** The sample's id in its data set (its file's stem). */
  id: string;
  state: MeasureState;
  perImage: PerImageMeasures;
}

/**
 * Measures one sample as `unet eval` does in its loop (the same data set options, the same
 * segmentImage call on the same model or ensemble, a measure accumulator of one image) and
 * returns the accumulator's state.
 * Data sets and models are loaded once per worker.
 */
export function createEvaluationJobHandler(context: { allowedRoots?: readonly string[] } = {}) {
  const models = createModelCache();
  const datasets = new Map<string, Promise<Dataset>>();
  const handler = async (job: EvaluationJob): Promise<EvaluationJobResult> => {
    if (context.allowedRoots !== undefined) {
      for (const model of job.models) checkAllowedPath(model, context.allowedRoots, 'model');
      checkAllowedPath(job.data, context.allowedRoots, 'data');
    }
    const members = [];
    for (const folder of job.models) {
      const member = await models.get(folder);
      members.push({ folder, model: member, labels: modelMetadata(member, folder) });
    }
    const { model, labels } = members[0]!;
    let network: ReturnType<typeof ensembleNetwork>;
    try {
      // The same members and checks as unet eval --model A,B in one process; the first model's metadata.
      network = ensembleNetwork(members, job.options);
    } catch (error) {
      if (error instanceof UsageError) throw new JobRefusedError(`model ${job.models.join(', ')}: ${error.message}`);
      throw error;
    }
    const key = JSON.stringify([job.data, job.format, job.split, labels.labelValues]);
    let dataset = datasets.get(key);
    if (dataset === undefined) {
      let options: ReturnType<typeof datasetOptions>;
      try {
        options = datasetOptions(job.format, job.data, job.split);
      } catch (error) {
        throw error instanceof UsageError ? new JobRefusedError(error.message) : error;
      }
      // As unet eval: the folder layout takes the model's label values.
      dataset = loadDataset(
        options.format === 'folder' && model.metadata.trainedOn?.format === 'folder'
          ? { ...options, labelValues: labels.labelValues }
          : options,
      ).catch((error: unknown) => {
        datasets.delete(key);
        throw new JobRefusedError(`data ${job.data}: ${error instanceof Error ? error.message : String(error)}`);
      });
      datasets.set(key, dataset);
    }
    const loaded = await dataset;
    if (job.index >= loaded.size) throw new JobRefusedError(`data ${job.data}: sample ${job.index} is beyond its ${loaded.size} samples`);
    const sample = await loaded.get(job.index);
    const { options } = job;
    const result = await segmentImage(network, sample.image, {
      ...(options.outputTileSize === undefined ? {} : { outputTileSize: options.outputTileSize }),
      ...(options.contextMargin === undefined ? {} : { contextMargin: options.contextMargin }),
      blend: options.blend,
      tta: options.tta,
    });
    const accumulator = createMeasureAccumulator({
      classNames: loaded.classNames,
      ignoreLabel: loaded.ignoreLabel,
      instanceMethod: options.instanceMethod,
      threshold: options.threshold,
    });
    const perImage = accumulator.add({
      probabilities: result.probabilities,
      height: result.height,
      width: result.width,
      truth: sample.mask.data,
      instances: sample.instances?.data,
    });
    return { id: sample.id, state: accumulator.state(), perImage };
  };
  return Object.assign(handler, { dispose: () => models.dispose() });
}
