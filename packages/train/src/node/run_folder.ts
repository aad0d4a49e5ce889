import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { saveUNet } from '@unet/model';
import { fileSystem } from '@unet/model/node';
import { type TrainingCheckpoint, modelFromCheckpoint } from '../fit/checkpoint.js';
import type { CheckpointStore } from '../fit/checkpoint_store.js';
import { directoryCheckpointStore } from './checkpoint_directory.js';
import { writeFileAtomically } from '@unet/core/node';
import { type JsonlLog, jsonlLog } from './jsonl_log.js';

/**
 * A training run's folder:
 *   <folder>/config.json      the run's settings (writeConfig)
 *   <folder>/log.jsonl        every step, validation, checkpoint, start and stop (JSONL)
 *   <folder>/checkpoints/     step-NNNNNNNN/ folders and best.json (directoryCheckpointStore)
 * Pass `checkpoints` and `log` to fit; resume a run by opening its folder again with resume: true.
 */
export interface RunFolder {
  readonly folder: string;
  readonly checkpoints: CheckpointStore;
  readonly log: JsonlLog;
  /** Writes config.json atomically. */
  writeConfig(config: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export async function openRunFolder(folder: string, options: { keep?: number } = {}): Promise<RunFolder> {
  await mkdir(folder, { recursive: true });
  const checkpoints = directoryCheckpointStore(path.join(folder, 'checkpoints'), options);
  const log = await jsonlLog(path.join(folder, 'log.jsonl'));
  return {
    folder,
    checkpoints,
    log,
    writeConfig: (config) => writeFileAtomically(path.join(folder, 'config.json'), JSON.stringify(config, null, 2), folder),
    close: () => log.close(),
  };
}

/**
 * Saves a checkpoint's network as a @unet/model folder (model.json + weights.bin) that loadUNet
 * and `unet predict` read: e.g. the best checkpoint as <run>/best-model.
 */
export async function saveCheckpointModel(checkpoint: TrainingCheckpoint, folder: string): Promise<void> {
  const model = modelFromCheckpoint(checkpoint, folder);
  try {
    await saveUNet(model, fileSystem(folder), { ...model.metadata, trainingStep: checkpoint.step });
  } finally {
    model.dispose();
  }
}
