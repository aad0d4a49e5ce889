import { modelMetadata } from '@unet/model';
import { type EngineName, openSegmentationEngine, type SegmentationEngine } from '../onnx/segmentation_engine.js';
import type { EnsembleMember } from './model_ensemble.js';

/** An ensemble member as predict and eval open it: also the engine, to describe and release. */
export type OpenedEnsembleMember = EnsembleMember & { opened: SegmentationEngine };

/**
 * Opens each model of `--model A,B,...` on `engine`, in order, with its metadata: the members
 * that `ensembleNetwork` averages (the first one's metadata speaks for the ensemble).
 */
export async function openEnsembleMembers(
  folders: readonly string[],
  engine: EngineName,
  providers: string | undefined,
): Promise<OpenedEnsembleMember[]> {
  const members: OpenedEnsembleMember[] = [];
  for (const folder of folders) {
    const opened = await openSegmentationEngine(folder, engine, providers);
    members.push({ folder, opened, model: opened.model, network: opened.network, labels: modelMetadata(opened.model, folder) });
  }
  return members;
}
