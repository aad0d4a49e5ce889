import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadUNet, resolveUNetConfig, type SavedUNetMetadata, type UNet, type UNetConfig, type UNetMetadata } from '@unet/model';
import { fileSystem } from '@unet/model/node';
import { UsageError } from '../usage_error.js';

/** The model.json of a model folder (or the file itself), checked before any backend starts. */
export function modelFile(folder: string): string {
  const resolved = path.resolve(folder);
  const file = existsSync(resolved) && statSync(resolved).isDirectory() ? path.join(resolved, 'model.json') : resolved;
  if (!existsSync(file)) {
    throw new UsageError(`--model ${folder}: no model.json there; pass the model/ folder of a run (unet train prints it)`);
  }
  return file;
}

/** Opens a model folder (model.json + weights), with errors that say what to pass instead. */
export async function openModel(folder: string): Promise<UNet> {
  return loadUNet(fileSystem(path.dirname(modelFile(folder))));
}

/**
 * A model folder's config and metadata from its model.json alone, without its weights or a
 * backend: enough for `unet predict --queue` to check an ensemble before it queues a job.
 */
export function readModelDescription(folder: string): { config: UNetConfig; metadata: UNetMetadata } {
  const file = modelFile(folder);
  let saved: SavedUNetMetadata | undefined;
  try {
    saved = (JSON.parse(readFileSync(file, 'utf8')) as { userDefinedMetadata?: { unet?: SavedUNetMetadata } }).userDefinedMetadata?.unet;
  } catch (error) {
    throw new UsageError(`--model ${folder}: ${file} is not JSON (${(error as Error).message}); pass a model folder unet train wrote`);
  }
  if (saved === undefined || typeof saved.config !== 'object')
    throw new UsageError(
      `--model ${folder}: ${file} is not a unet-ts model (no userDefinedMetadata.unet); pass a model folder unet train wrote`,
    );
  return { config: resolveUNetConfig(saved.config), metadata: (saved.extra ?? {}) as UNetMetadata };
}
