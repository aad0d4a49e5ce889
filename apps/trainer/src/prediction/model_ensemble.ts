import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { asTileNetwork, ensembleTileNetwork, type TileNetwork } from '@unet/inference';
import type { ModelMetadata, UNet, UNetConfig } from '@unet/model';
import { UsageError } from '../usage_error.js';

export const modelListHelp = `  --model DIR[,DIR...]  a model folder (model.json + weights), e.g. RUN/model from unet train, a
                    run folder (its model/), or a .onnx file that unet import reads (a U-Net
                    exported from PyTorch). Several, comma-separated, or a folder of fold-*
                    folders (unet train --folds) are an ensemble: their class probabilities are
                    averaged on one tile plan (they must agree on classes, label values, input
                    channels, depth, padding and tile), then cut once, at the FIRST model's
                    decision threshold unless --threshold is given (its instance method and
                    colours too)`;

const foldFolder = /^fold-(\d+)$/;

/** A folder is a model folder (model.json there), or a run folder whose model/ is one. */
function asModelFolder(folder: string): string {
  if (existsSync(path.join(folder, 'model.json'))) return folder;
  if (existsSync(path.join(folder, 'model', 'model.json'))) return path.join(folder, 'model');
  return folder;
}

/**
 * The models `--model` names, in order: a comma-separated list, each a model folder, a run
 * folder (RUN/model), a model file (.onnx), or a folder of folds (DIR/fold-0, DIR/fold-1, ...:
 * each fold's model, in the folds' order). A name that is none of these is passed on as it is,
 * for modelFile to say what is missing.
 */
export function modelFolders(text: string): string[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new UsageError(`--model '${text}': no model named; pass a model folder, or several separated by commas`);
  const folders: string[] = [];
  for (const entry of entries) {
    if (!existsSync(entry) || !statSync(entry).isDirectory()) {
      folders.push(entry);
      continue;
    }
    const modelFolder = asModelFolder(entry);
    if (modelFolder !== entry || existsSync(path.join(entry, 'model.json'))) {
      folders.push(modelFolder);
      continue;
    }
    const folds = readdirSync(entry)
      .map((name) => foldFolder.exec(name))
      .filter((match): match is RegExpExecArray => match !== null && statSync(path.join(entry, match[0])).isDirectory())
      .sort((a, b) => Number(a[1]) - Number(b[1]));
    if (folds.length === 0) folders.push(entry);
    else for (const fold of folds) folders.push(asModelFolder(path.join(entry, fold[0])));
  }
  return folders;
}

/** A model as an ensemble member: its folder (for messages), the network and its metadata. */
export interface EnsembleMember {
  folder: string;
  model: UNet;
  labels: ModelMetadata;
  /** The network that predicts its tiles (the model itself on tfjs, or an engine's). */
  network?: UNet | TileNetwork;
}

/**
 * What the members must share to be averaged: the same tile plan (input channels, depth,
 * padding, tile) and the same classes written as the same values. The threshold, the instance
 * method and the colours may differ: the first model's are used.
 */
/** What the checks read of a member: its folder, config and metadata (a model.json is enough). */
export type DescribedMember = Pick<EnsembleMember, 'folder' | 'labels'> & { model: { config: UNetConfig } };

function differences(first: DescribedMember, other: DescribedMember, tileGiven: boolean): string[] {
  const found: string[] = [];
  const compare = (name: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) found.push(`${name} ${JSON.stringify(b)} (${first.folder} has ${JSON.stringify(a)})`);
  };
  for (const key of ['classes', 'inputChannels', 'depth', 'padding'] as const)
    compare(key, first.model.config[key], other.model.config[key]);
  compare('class names', first.labels.classNames, other.labels.classNames);
  compare('label values', first.labels.labelValues, other.labels.labelValues);
  compare('palette masks', first.labels.paletteMasks, other.labels.paletteMasks);
  // A tile given on the command line (--tile) is every member's.
  if (!tileGiven)
    compare('inference tile (--tile N gives all one)', first.labels.inferenceTile ?? null, other.labels.inferenceTile ?? null);
  return found;
}

/** Refuses members that cannot be averaged, naming the first that differs, what, and what to do. */
export function checkEnsembleMembers(members: readonly DescribedMember[], options: { outputTileSize?: number } = {}): void {
  const first = members[0]!;
  for (const member of members.slice(1)) {
    const found = differences(first, member, options.outputTileSize !== undefined);
    if (found.length > 0) {
      throw new UsageError(
        `--model: ${member.folder} cannot be averaged with ${first.folder}: it differs in ${found.join(', ')}; ` +
          'an ensemble takes models trained for the same classes and labels with the same network (the folds of one unet train --folds), so segment with them apart',
      );
    }
  }
}

/** The one network of the members: the model itself when alone, else the mean of their probabilities. */
export function ensembleNetwork(members: readonly EnsembleMember[], options: { outputTileSize?: number } = {}): UNet | TileNetwork {
  checkEnsembleMembers(members, options);
  if (members.length === 1) return members[0]!.network ?? members[0]!.model;
  return ensembleTileNetwork(members.map((member) => asTileNetwork(member.network ?? member.model)));
}
