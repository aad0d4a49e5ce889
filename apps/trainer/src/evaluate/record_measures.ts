import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomically } from '@unet/core/node';
import type { SegmentationMeasures } from './segmentation_measures.js';

/** How a model's recorded measures were made, so that a test (or a user) can make them again. */
export interface EvaluationRecord {
  /** The data set's folder name (e.g. isbi2012-em): where it lies is the reader's business. */
  dataset: string;
  format: string;
  /** `--samples` as given, or 'all'. */
  samples: string;
  split?: string;
  tta: boolean;
  /** `--tile`, `--context-margin`, `--blend`, where given (otherwise the model's and segmentImage's defaults). */
  tile?: number;
  contextMargin?: number;
  blend?: string;
  /** How SEG's objects were cut out; also saved as the model's `instanceMethod`. */
  instanceMethod?: string;
  /** `--threshold`, where given (otherwise the model's own decision threshold). */
  threshold?: number;
  backend: string;
  recordedAt: string;
}

/**
 * Writes `measures` and how they were made into a model.json's metadata (`validation` and
 * `evaluation` beside what `unet train` saved), replacing the file atomically (as checkpoints
 * are written) so that a killed process leaves the old file or the new one, never half of one.
 */
export async function recordMeasures(
  modelJsonFile: string,
  measures: SegmentationMeasures,
  evaluation: EvaluationRecord,
  /** Metadata to set beside them, e.g. the decision threshold that --pick-threshold chose. */
  modelUpdates: Record<string, unknown> = {},
): Promise<void> {
  const artifacts = JSON.parse(readFileSync(modelJsonFile, 'utf8')) as {
    userDefinedMetadata?: { unet?: { extra?: Record<string, unknown> } };
  };
  const unet = artifacts.userDefinedMetadata?.unet;
  if (unet === undefined) {
    throw new Error(`${modelJsonFile}: no unet metadata (userDefinedMetadata.unet): --record only writes into models saved by @unet/model`);
  }
  unet.extra = {
    ...unet.extra,
    validation: measures,
    evaluation,
    ...(evaluation.instanceMethod === undefined ? {} : { instanceMethod: evaluation.instanceMethod }),
    ...modelUpdates,
  };
  await writeFileAtomically(modelJsonFile, JSON.stringify(artifacts), path.dirname(modelJsonFile));
}
