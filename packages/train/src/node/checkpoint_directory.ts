import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { CheckpointError } from '../errors.js';
import type { TrainingCheckpoint } from '../fit/checkpoint.js';
import { type CheckpointManifest, decodeCheckpoint, encodeCheckpoint } from '../fit/checkpoint_format.js';
import { type CheckpointInfo, type CheckpointStore, checkpointsToKeep } from '../fit/checkpoint_store.js';
import { syncFolder, writeFileAtomically, writeFileSynced } from '@unet/core/node';

const manifestFile = 'checkpoint.json';
const dataFile = 'tensors.bin';
const bestFile = 'best.json';
const stepFolderPattern = /^step-(\d+)$/;

/** The folder name of a checkpoint: step-00000012 (sorted by name = sorted by step). */
export function checkpointFolderName(step: number): string {
  return `step-${String(step).padStart(8, '0')}`;
}

/**
 * Checkpoints on disk, one folder per checkpoint:
 *   <folder>/step-00000012/checkpoint.json   the manifest (config, optimiser, schedule, progress)
 *   <folder>/step-00000012/tensors.bin       the weights and optimiser accumulators
 *   <folder>/best.json                       { "step": 10 }: which checkpoint is the best
 * Each checkpoint is written into a hidden temporary folder, fsynced, and renamed into place,
 * so that a process killed at any point leaves every earlier checkpoint whole and never a
 * half-written one under a step-* name. The last `keep` checkpoints and the best are kept.
 */
export function directoryCheckpointStore(folder: string, options: { keep?: number } = {}): CheckpointStore {
  const keep = options.keep ?? 3;
  if (!Number.isInteger(keep) || keep < 1) {
    throw new CheckpointError(`directoryCheckpointStore: keep must be a whole number, at least 1, got ${keep}`);
  }
  let saves = 0;
  let cleaned = false;

  const stepsOnDisk = async (): Promise<number[]> => {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names
      .map((name) => stepFolderPattern.exec(name))
      .filter((match) => match !== null)
      .map((match) => Number(match[1]))
      .sort((a, b) => a - b);
  };

  const bestStep = async (): Promise<number | undefined> => {
    try {
      const { step } = JSON.parse(await readFile(path.join(folder, bestFile), 'utf8')) as { step: number };
      return typeof step === 'number' ? step : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CheckpointError(`${path.join(folder, bestFile)} cannot be read (${(error as Error).message}): delete it`);
    }
  };

  const read = async (step: number): Promise<TrainingCheckpoint> => {
    const location = path.join(folder, checkpointFolderName(step));
    let manifest: CheckpointManifest;
    let data: Uint8Array;
    try {
      manifest = JSON.parse(await readFile(path.join(location, manifestFile), 'utf8')) as CheckpointManifest;
      data = await readFile(path.join(location, dataFile));
    } catch (error) {
      throw new CheckpointError(`${location} cannot be read (${(error as Error).message}): delete it to resume from the one before`);
    }
    return decodeCheckpoint(manifest, data, location);
  };

  // Leftovers of a process killed mid-save: never a checkpoint, always safe to remove.
  const removeLeftovers = async () => {
    if (cleaned) return;
    cleaned = true;
    for (const name of await readdir(folder)) {
      if (name.startsWith('.tmp-') || name.startsWith('.old-')) {
        await rm(path.join(folder, name), { recursive: true, force: true });
      }
    }
  };

  return {
    async save(checkpoint, saveOptions = {}) {
      await mkdir(folder, { recursive: true });
      await removeLeftovers();
      const name = checkpointFolderName(checkpoint.step);
      const target = path.join(folder, name);
      const temporary = path.join(folder, `.tmp-${name}-${process.pid}-${saves++}`);
      const { manifest, data } = encodeCheckpoint(checkpoint);
      await mkdir(temporary);
      await writeFileSynced(path.join(temporary, dataFile), data);
      await writeFileSynced(path.join(temporary, manifestFile), JSON.stringify(manifest));
      await syncFolder(temporary);
      // A checkpoint of the same step (a run resumed from an earlier one) is moved aside first:
      // a folder cannot be renamed onto a non-empty one.
      const existing = (await stepsOnDisk()).includes(checkpoint.step);
      const aside = path.join(folder, `.old-${name}-${process.pid}`);
      if (existing) await rename(target, aside);
      await rename(temporary, target);
      await syncFolder(folder);
      if (existing) await rm(aside, { recursive: true, force: true });
      if (saveOptions.best) {
        await writeFileAtomically(path.join(folder, bestFile), JSON.stringify({ step: checkpoint.step }), folder);
      }
      const kept = checkpointsToKeep(await stepsOnDisk(), keep, await bestStep());
      for (const step of await stepsOnDisk()) {
        if (!kept.has(step)) await rm(path.join(folder, checkpointFolderName(step)), { recursive: true, force: true });
      }
      return { step: checkpoint.step, location: target, best: saveOptions.best ?? false };
    },

    async load(which = 'latest') {
      if (which === 'best') {
        const step = await bestStep();
        return step === undefined ? undefined : read(step);
      }
      if (typeof which === 'number') return (await stepsOnDisk()).includes(which) ? read(which) : undefined;
      const steps = await stepsOnDisk();
      return steps.length === 0 ? undefined : read(steps[steps.length - 1]);
    },

    async list(): Promise<CheckpointInfo[]> {
      const best = await bestStep();
      return (await stepsOnDisk()).map((step) => ({
        step,
        location: path.join(folder, checkpointFolderName(step)),
        best: step === best,
      }));
    },
  };
}
