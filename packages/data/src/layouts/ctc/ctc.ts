import { readdir } from 'node:fs/promises';
import { touchingInstanceBorders } from '@unet/core';
import path from 'node:path';
import { DatasetLayoutError, DatasetOptionError, MissingFileError } from '../../errors.js';
import type { CtcDatasetOptions } from '../../load_dataset_options.js';
import { checkInside, fileStem, isFolder, listFiles, naturalCompare, resolveRoot } from '../../readers/files.js';
import { readImage } from '../../readers/image.js';
import { readLabelImage } from '../../readers/label_image.js';
import type { LabelArray } from '@unet/core';
import type { Dataset } from '../../sample.js';
import { checkOptions, isIndexArray, isStringArray, oneOf } from '../options.js';
import { checkSameSize, createDataset } from '../dataset.js';

/**
 * Cell Tracking Challenge training data, the U-Net paper's third experiment: frames `NN/tTTT.tif`
 * and their segmentation truth `NN_GT/SEG/man_segTTT.tif` (gold: made by hand, only some frames)
 * or `NN_ST/SEG/man_segTTT.tif` (silver: computed, every frame). Truth files are 16-bit instance
 * images: 0 background, each cell its own id. Samples keep those ids as `instances` and give the
 * semantic mask 0 background / 1 cell, where the pixels at which two cells touch are background
 * (`touchingInstanceBorders`): the paper's separation borders, without which touching cells
 * are one blob to the network and no weight map can part them. Gold files of 3D data sets (`man_segTTT_SSS.tif`, one
 * annotated slice) are not read.
 */

export const CTC_CLASS_NAMES: readonly string[] = ['background', 'cell'];

const FRAME_PATTERN = /^t(\d+)\.tiff?$/i;
const TRUTH_PATTERN = /^man_seg(\d+)\.tiff?$/i;

interface CtcFrame {
  id: string;
  imageFile: string;
  truthFile: string;
}

export async function loadCtcDataset(options: CtcDatasetOptions): Promise<Dataset> {
  const { format: _format, root: _root, ...rest } = options;
  checkOptions('loadDataset ctc', rest, { sequences: isStringArray, truth: oneOf('gold', 'silver', 'auto'), frames: isIndexArray });
  const realRoot = await resolveRoot(options.root, 'Cell Tracking Challenge');
  const truth = options.truth ?? 'auto';
  const entries = await readdir(realRoot, { withFileTypes: true });
  const numbered = entries
    .filter((entry) => /^\d+$/.test(entry.name))
    .map((entry) => entry.name)
    .sort(naturalCompare);
  const sequences = options.sequences ?? numbered;
  if (sequences.length === 0) {
    throw new DatasetLayoutError(
      `${realRoot}: no sequence folders (01, 02, ...) found; pass the data set's folder (e.g. DIC-C2DH-HeLa) that holds 01/ and 01_GT/ or 01_ST/.`,
      realRoot,
    );
  }
  const frames: CtcFrame[] = [];
  const wanted = options.frames ? new Set(options.frames) : undefined;
  const found = new Set<number>();
  for (const sequence of sequences) {
    if (!/^\d+$/.test(sequence) || !(await isFolder(path.join(realRoot, sequence)))) {
      throw new DatasetOptionError(
        `loadDataset ctc: sequence '${sequence}' is not a folder of ${realRoot}; the sequences there are ${numbered.map((name) => `'${name}'`).join(', ') || 'none'}.`,
      );
    }
    frames.push(...(await listSequence(realRoot, sequence, truth, wanted, found)));
  }
  if (wanted) {
    const missing = [...wanted].filter((frame) => !found.has(frame));
    if (missing.length) {
      throw new DatasetOptionError(
        `loadDataset ctc: frames ${missing.join(', ')} have no ${truth === 'auto' ? 'gold or silver' : truth} truth in sequence(s) ${sequences.join(', ')}; drop them from 'frames' or choose another 'truth'.`,
      );
    }
  }
  if (frames.length === 0) {
    throw new DatasetLayoutError(
      `${realRoot}: no frame has ${truth === 'auto' ? 'gold or silver' : truth} segmentation truth (NN_GT/SEG or NN_ST/SEG with man_segTTT.tif); ${truth === 'gold' ? "try truth: 'silver'" : 'check the folder'}.`,
      realRoot,
    );
  }
  return createDataset({
    name: `ctc ${path.basename(realRoot)} ${sequences.join('+')} ${truth}`,
    ids: frames.map((frame) => frame.id),
    classNames: CTC_CLASS_NAMES,
    channels: 1,
    read: async (index) => {
      const frame = frames[index]!;
      const [image, labels] = await Promise.all([readImage(frame.imageFile, { channels: 1 }), readLabelImage(frame.truthFile)]);
      checkSameSize(image, frame.imageFile, labels, frame.truthFile);
      const instances: LabelArray = { data: labels.data, height: labels.height, width: labels.width };
      const borders = touchingInstanceBorders(labels.data, labels.height, labels.width);
      const mask = new Int32Array(labels.data.length);
      for (let pixel = 0; pixel < mask.length; pixel++) mask[pixel] = labels.data[pixel]! > 0 && borders[pixel] === 0 ? 1 : 0;
      return {
        id: frame.id,
        image,
        mask: { data: mask, height: labels.height, width: labels.width },
        instances,
        classNames: CTC_CLASS_NAMES,
      };
    },
  });
}

/** Truth files of one kind by frame number: `NN_GT/SEG` or `NN_ST/SEG`. */
async function truthFiles(realRoot: string, folder: string): Promise<Map<number, string>> {
  const files = new Map<number, string>();
  const segFolder = path.join(realRoot, folder, 'SEG');
  if (!(await isFolder(segFolder))) return files;
  for (const name of await listFiles(segFolder, ['.tif', '.tiff'])) {
    const match = TRUTH_PATTERN.exec(name);
    if (match) files.set(Number(match[1]), path.join(segFolder, name));
  }
  return files;
}

async function listSequence(
  realRoot: string,
  sequence: string,
  truth: 'gold' | 'silver' | 'auto',
  wanted: Set<number> | undefined,
  found: Set<number>,
): Promise<CtcFrame[]> {
  const gold = truth === 'silver' ? new Map<number, string>() : await truthFiles(realRoot, `${sequence}_GT`);
  const silver = truth === 'gold' ? new Map<number, string>() : await truthFiles(realRoot, `${sequence}_ST`);
  const imageFolder = path.join(realRoot, sequence);
  const images = new Map<number, string>();
  for (const name of await listFiles(imageFolder, ['.tif', '.tiff'])) {
    const match = FRAME_PATTERN.exec(name);
    if (match) images.set(Number(match[1]), name);
  }
  if (images.size === 0)
    throw new DatasetLayoutError(
      `${imageFolder}: holds no frames named tTTT.tif; is this a Cell Tracking Challenge sequence?`,
      imageFolder,
    );
  const frames: CtcFrame[] = [];
  const numbers = [...new Set([...gold.keys(), ...silver.keys()])].sort((a, b) => a - b);
  for (const number of numbers) {
    if (wanted && !wanted.has(number)) continue;
    const truthFile = gold.get(number) ?? silver.get(number)!;
    const imageName = images.get(number);
    if (!imageName) {
      throw new MissingFileError(
        `${truthFile}: truth for frame ${number}, but ${imageFolder} has no t${String(number).padStart(3, '0')}.tif; restore the frame or remove the truth file.`,
        truthFile,
      );
    }
    const imageFile = path.join(imageFolder, imageName);
    await checkInside(realRoot, imageFile);
    await checkInside(realRoot, truthFile);
    found.add(number);
    frames.push({ id: `${sequence}/${fileStem(imageName)}`, imageFile, truthFile });
  }
  return frames;
}
