import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadUNet, type UNet } from '@unet/model';
import { fileSystem } from '@unet/model/node';
import { UsageError } from '../usage_error.js';
import { defaultLabelMapping } from './label_values.js';

/** What `unet train` stores in a model's metadata, as far as prediction needs it. */
export interface ModelLabels {
  classNames: string[];
  /** `values[classId]`: the pixel value written for that class. */
  values: number[];
  /** The output tile the model was trained with, a good default for inference. */
  outputTileSize?: number;
  ignoreLabel?: number;
  /** VOC-style palette masks: write indices with this colour map. */
  palette?: boolean;
}

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

export function modelLabels(model: UNet): ModelLabels {
  const metadata = model.metadata as {
    classNames?: string[];
    labelMapping?: { values?: number[] } | null;
    tile?: { outputSize?: number };
    inferenceTile?: number;
    ignoreLabel?: number | null;
    trainedOn?: { format?: string };
  };
  const classes = model.config.classes;
  const classNames = metadata.classNames ?? model.config.classNames ?? Array.from({ length: classes }, (_, index) => `class ${index}`);
  const values = metadata.labelMapping?.values ?? defaultLabelMapping(metadata.trainedOn?.format, classes).values;
  return {
    classNames,
    values,
    outputTileSize: metadata.inferenceTile ?? metadata.tile?.outputSize,
    ignoreLabel: metadata.ignoreLabel ?? undefined,
    palette: metadata.trainedOn?.format === 'voc',
  };
}
