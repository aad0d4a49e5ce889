import type { TrainingCheckpoint } from './checkpoint.js';
import { type CheckpointManifest, decodeCheckpoint, encodeCheckpoint } from './checkpoint_format.js';

/** A checkpoint that a store holds. */
export interface CheckpointInfo {
  /** Steps completed when it was taken. */
  step: number;
  /** Where it lies: a folder for the Node store, 'memory:step-12' for the memory one. */
  location: string;
  /** Whether it is the best by the monitored measure. */
  best: boolean;
}

/**
 * Where fit keeps checkpoints. A store writes each checkpoint whole or not at all (a crash
 * mid-save leaves the previous ones intact), and keeps the last few plus the best.
 * `directoryCheckpointStore` in '@unet/train/node' keeps them on disk.
 */
export interface CheckpointStore {
  /** Saves a checkpoint; `best` marks it as the best so far (kept whatever the pruning). */
  save(checkpoint: TrainingCheckpoint, options?: { best?: boolean }): Promise<CheckpointInfo>;
  /** The latest checkpoint (most steps), the best one, or the one of a step; undefined when there is none. */
  load(which?: 'latest' | 'best' | number): Promise<TrainingCheckpoint | undefined>;
  /** The checkpoints held, by step. */
  list(): Promise<CheckpointInfo[]>;
}

/**
 * Which checkpoints to keep: the last `keep` by step, and the best. Shared by the stores so
 * that they prune alike.
 */
export function checkpointsToKeep(steps: readonly number[], keep: number, bestStep: number | undefined): Set<number> {
  const sorted = [...steps].sort((a, b) => a - b);
  const kept = new Set(sorted.slice(Math.max(0, sorted.length - keep)));
  if (bestStep !== undefined) kept.add(bestStep);
  return kept;
}

/**
 * A store in memory (browsers, tests). It keeps the encoded form, so that what it gives back
 * has gone through the same encoding as a checkpoint on disk.
 */
export function memoryCheckpointStore(options: { keep?: number } = {}): CheckpointStore {
  const keep = options.keep ?? 3;
  const held = new Map<number, { manifest: CheckpointManifest; data: Uint8Array }>();
  let bestStep: number | undefined;
  const location = (step: number) => `memory:step-${step}`;
  const decode = (step: number | undefined) => {
    if (step === undefined) return undefined;
    const entry = held.get(step);
    if (entry === undefined) return undefined;
    return decodeCheckpoint(structuredClone(entry.manifest), entry.data, location(step));
  };
  return {
    async save(checkpoint, saveOptions = {}) {
      const encoded = encodeCheckpoint(checkpoint);
      held.set(checkpoint.step, { manifest: structuredClone(encoded.manifest), data: encoded.data });
      if (saveOptions.best) bestStep = checkpoint.step;
      const kept = checkpointsToKeep([...held.keys()], keep, bestStep);
      for (const step of [...held.keys()]) if (!kept.has(step)) held.delete(step);
      return { step: checkpoint.step, location: location(checkpoint.step), best: saveOptions.best ?? false };
    },
    async load(which = 'latest') {
      if (which === 'best') return decode(bestStep);
      if (typeof which === 'number') return decode(which);
      return decode(held.size === 0 ? undefined : Math.max(...held.keys()));
    },
    async list() {
      return [...held.keys()].sort((a, b) => a - b).map((step) => ({ step, location: location(step), best: step === bestStep }));
    },
  };
}
