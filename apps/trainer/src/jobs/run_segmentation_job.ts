import { existsSync } from 'node:fs';
import path from 'node:path';
import { classChannel, objectInstances } from '@unet/core';
import { vocColourMap } from '@unet/data';
import { encodePng, readImage, readImageHeader } from '@unet/data/node';
import { removeStaleTemporaryFiles, writeFileAtomically } from '@unet/core/node';
import { labelsFromProbabilities, segmentImage } from '@unet/inference';
import { modelMetadata } from '@unet/model';
import { instanceMethodOf } from '../evaluate/object_instances.js';
import { writeLabelPng, writeProbabilityPng, writeRgbaPng } from '../images/png_files.js';
import { imageToRgba, overlayMask } from '../plots/overlay.js';
import { decisionThreshold } from '../prediction/threshold_flag.js';
import { ensembleNetwork } from '../prediction/model_ensemble.js';
import { UsageError } from '../usage_error.js';
import { segmentLargeFile } from '../regions/segment_large_file.js';
import { checkAllowedPath } from './allowed_roots.js';
import { JobRefusedError } from './job_errors.js';
import { createModelCache } from './model_cache.js';
import type { SegmentationJob } from './segmentation_job.js';
import type { JobRun } from './unet_job.js';

export interface SegmentationJobResult {
  /** The mask was there already (an earlier attempt, or another worker, finished this job). */
  skipped: boolean;
  /** The files written, the mask last. */
  written: string[];
  width?: number;
  height?: number;
  seconds: number;
}

export interface SegmentationJobContext {
  /** The real paths of the folders the worker may read and write; absent: any (in-process runs of the user's own command line). */
  allowedRoots?: readonly string[];
}

/** Runs segmentation jobs in one process, each model loaded once and kept for the jobs after it. */
export type SegmentationJobHandler = ((job: SegmentationJob, run?: JobRun) => Promise<SegmentationJobResult>) & { dispose(): void };

/**
 * The work of one job, the same for every runner: the same reads, `segmentImage` call and
 * writers as `unet predict`, so that a mask made by a worker equals the one made in-process
 * byte for byte. Every file is written next to its target and renamed, and the mask comes
 * last, so that a mask that exists marks a finished job: a job met again (its worker was
 * killed after the rename, its lock expired, it is retried) is skipped.
 */
export function createSegmentationJobHandler(context: SegmentationJobContext = {}): SegmentationJobHandler {
  const models = createModelCache();

  const handler = async (job: SegmentationJob, run: JobRun = {}): Promise<SegmentationJobResult> => {
    const started = performance.now();
    if (context.allowedRoots !== undefined) {
      checkAllowedPath(job.input, context.allowedRoots, 'input');
      for (const model of job.models) checkAllowedPath(model, context.allowedRoots, 'model');
      checkAllowedPath(job.output, context.allowedRoots, 'output');
    }
    // An attempt killed mid-write leaves FILE.writer~...tmp beside its outputs: never taken for an output, removed here.
    if (run.startedBefore) await removeStaleTemporaryFiles(path.dirname(job.output), { prefix: path.parse(job.output).name });
    if (existsSync(job.output)) return { skipped: true, written: [], seconds: (performance.now() - started) / 1000 };
    if (!existsSync(job.input)) throw new JobRefusedError(`input ${job.input}: no such file`);
    const members = [];
    for (const folder of job.models) {
      const model = await models.get(folder);
      members.push({ folder, model, labels: modelMetadata(model, folder) });
    }
    const { model, labels } = members[0]!;
    const { options } = job;
    let threshold: number | undefined;
    let network: ReturnType<typeof ensembleNetwork>;
    try {
      // The same members, checks and first model's threshold as unet predict in one process.
      network = ensembleNetwork(members, options);
      threshold = decisionThreshold(options.threshold, labels.threshold, model.config.classes);
    } catch (error) {
      if (error instanceof UsageError) throw new JobRefusedError(`model ${job.models.join(', ')}: ${error.message}`);
      throw error;
    }
    if (options.byRegions) {
      const { width, height } = await segmentLargeFile(network, labels, job.input, job.output, {
        ...(options.outputTileSize === undefined ? {} : { outputTileSize: options.outputTileSize }),
        ...(options.contextMargin === undefined ? {} : { contextMargin: options.contextMargin }),
        tta: options.tta,
        threshold,
        ...(options.rows === undefined ? {} : { rows: options.rows }),
      });
      return { skipped: false, written: [job.output], width, height, seconds: (performance.now() - started) / 1000 };
    }
    const header = await readImageHeader(job.input);
    if (header.pages > 1)
      throw new JobRefusedError(
        `input ${job.input}: a TIFF stack of ${header.pages} pages; segment stacks with unet predict without --queue`,
      );
    // Gray and colour are converted to what the model takes (luminance, or gray repeated), as unet predict does.
    const image = await readImage(job.input, { channels: model.config.inputChannels as 1 | 3 | 4 });
    const result = await segmentImage(network, image, {
      outputTileSize: options.outputTileSize ?? labels.inferenceTile,
      ...(options.contextMargin === undefined ? {} : { contextMargin: options.contextMargin }),
      blend: options.blend,
      tta: options.tta,
      // The CPU backends compute a tile without returning to the event loop; yielding between
      // tiles lets a queue worker renew its job's lock during a long image.
      onProgress: () => new Promise<void>((resolve) => setImmediate(resolve)),
    });
    const mask = labelsFromProbabilities(result.probabilities, result.height, result.width, result.classes, { threshold });
    const { dir, name } = path.parse(job.output);
    const written: string[] = [];
    if (options.overlay) {
      const overlay = path.join(dir, `${name}_overlay.png`);
      await writeRgbaPng(overlay, overlayMask(imageToRgba(image), mask, { colours: labels.classColours, opacity: 0.45 }));
      written.push(overlay);
    }
    if (options.probabilities) {
      const classes = result.classes === 2 ? [1] : Array.from({ length: result.classes }, (_, index) => index);
      for (const classId of classes) {
        const probability = classChannel(result.probabilities, image.height * image.width, result.classes, classId);
        const suffix = result.classes === 2 ? '' : `_${labels.classNames[classId] ?? classId}`;
        const file = path.join(dir, `${name}_probability${suffix}.png`);
        await writeProbabilityPng(file, probability, image.height, image.width);
        written.push(file);
      }
    }
    if (options.instances) {
      const objectProbability = classChannel(result.probabilities, image.height * image.width, result.classes, 1);
      const instances = objectInstances(
        objectProbability,
        image.height,
        image.width,
        instanceMethodOf(options.instanceMethod, labels.instanceMethod),
      );
      const file = path.join(dir, `${name}_instances.png`);
      await writeLabelPng(file, instances, image.height, image.width);
      written.push(file);
    }
    if (labels.paletteMasks) {
      await writeFileAtomically(
        job.output,
        encodePng({ width: image.width, height: image.height, channels: 1, data: mask, palette: vocColourMap(256) }),
      );
    } else {
      await writeLabelPng(job.output, mask, image.height, image.width, labels.labelValues);
    }
    written.push(job.output);
    return { skipped: false, written, width: image.width, height: image.height, seconds: (performance.now() - started) / 1000 };
  };
  return Object.assign(handler, {
    dispose: () => models.dispose(),
  });
}
