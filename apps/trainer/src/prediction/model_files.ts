import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadUNet, type UNet } from '@unet/model';
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
