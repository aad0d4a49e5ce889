import { readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { DatasetLayoutError, DatasetOptionError, MaskValueError } from '../../errors.js';
import type { VocDatasetOptions } from '../../load_dataset_options.js';
import { checkInside, isFolder, joinInside, requireFile, resolveRoot } from '../../readers/files.js';
import { readImage } from '../../readers/image.js';
import { type LabelImage, readLabelImage } from '../../readers/label_image.js';
import type { LabelArray } from '@unet/core';
import type { Dataset } from '../../sample.js';
import { checkOptions, isString, isStringArray, oneOf } from '../options.js';
import { checkSameSize, createDataset } from '../dataset.js';
import { VOC_BINARY_CLASS_NAMES, VOC_CLASS_NAMES, VOC_VOID } from './classes.js';
import { vocColourMap } from './colour_map.js';

/**
 * Pascal VOC 2012 segmentation: `JPEGImages/<id>.jpg` with `SegmentationClass/<id>.png`, a palette
 * PNG whose indices are the classes (0 background, 1..20 objects) and 255 the "void" band that
 * the annotators drew along object borders. Void is kept as the ignore label 255, never a class:
 * no loss or measure counts it. The ids come from `ImageSets/Segmentation/<split>.txt`.
 */

export { VOC_BINARY_CLASS_NAMES, VOC_CLASS_NAMES, VOC_VOID };

/**
 * Finds `VOC2012` from the root the user gave: itself, `VOC2012/` below it or `VOCdevkit/VOC2012/`
 * below it. Its real path is the data set's root from then on: a `VOCdevkit` linked in from a
 * larger disk is the user's choice, a file inside it linking elsewhere is not.
 */
async function findVocFolder(root: string): Promise<string> {
  for (const candidate of [root, path.join(root, 'VOC2012'), path.join(root, 'VOCdevkit', 'VOC2012')]) {
    if ((await isFolder(path.join(candidate, 'JPEGImages'))) && (await isFolder(path.join(candidate, 'SegmentationClass')))) {
      return realpath(candidate);
    }
  }
  throw new DatasetLayoutError(
    `${root}: no Pascal VOC 2012 layout found; expected JPEGImages/ and SegmentationClass/ in the root, in VOC2012/ or in VOCdevkit/VOC2012/ (unpack VOCtrainval_11-May-2012.tar there).`,
    root,
  );
}

export async function loadVocDataset(options: VocDatasetOptions): Promise<Dataset> {
  const { format: _format, root: _root, ...rest } = options;
  checkOptions('loadDataset voc', rest, { split: isString, mode: oneOf('classes', 'binary'), ids: isStringArray });
  const split = options.split ?? 'train';
  const binary = options.mode === 'binary';
  const base = await findVocFolder(await resolveRoot(options.root, 'VOC'));
  const splitFolder = path.join(base, 'ImageSets', 'Segmentation');
  const splitFile = joinInside(splitFolder, `${split}.txt`, `loadDataset voc: split '${split}'`);
  let text: string;
  try {
    text = await readFile(splitFile, 'utf8');
  } catch {
    const available = (await isFolder(splitFolder)) ? (await readdir(splitFolder)).filter((name) => name.endsWith('.txt')) : [];
    throw new DatasetLayoutError(
      `${splitFile}: split file missing; the splits here are ${available.length ? available.map((name) => `'${name.slice(0, -4)}'`).join(', ') : 'none (ImageSets/Segmentation is missing or empty)'}.`,
      splitFile,
    );
  }
  let ids = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (ids.length === 0)
    throw new DatasetLayoutError(`${splitFile}: the split file lists no ids; it needs one image id per line.`, splitFile);
  if (options.ids) {
    const known = new Set(ids);
    const unknown = options.ids.filter((id) => !known.has(id));
    if (unknown.length) {
      throw new DatasetOptionError(
        `loadDataset voc: ids ${unknown.slice(0, 5).join(', ')} are not in ${splitFile}; pick ids the split lists, e.g. ${ids.slice(0, 3).join(', ')}.`,
      );
    }
    ids = [...options.ids];
  }
  const pairs: { image: string; mask: string }[] = [];
  for (const id of ids) {
    const image = joinInside(path.join(base, 'JPEGImages'), `${id}.jpg`, splitFile);
    const mask = joinInside(path.join(base, 'SegmentationClass'), `${id}.png`, splitFile);
    await checkInside(base, image);
    await checkInside(base, mask);
    await requireFile(image, `${splitFile} names id '${id}'; restore the image or remove the id from the split file`);
    await requireFile(
      mask,
      `${splitFile} names id '${id}' but it has no mask; restore SegmentationClass/${id}.png or remove the id from the split file`,
    );
    pairs.push({ image, mask });
  }
  const colourToIndex = new Map<number, number>();
  const colours = vocColourMap();
  for (let index = 255; index >= 0; index--)
    colourToIndex.set((colours[3 * index]! << 16) | (colours[3 * index + 1]! << 8) | colours[3 * index + 2]!, index);

  return createDataset({
    name: `voc ${split}${binary ? ' binary' : ''}`,
    ids,
    classNames: binary ? VOC_BINARY_CLASS_NAMES : VOC_CLASS_NAMES,
    channels: 3,
    ignoreLabel: VOC_VOID,
    read: async (index) => {
      const { image: imageFile, mask: maskFile } = pairs[index]!;
      const [image, labels] = await Promise.all([readImage(imageFile, { channels: 3 }), readLabelImage(maskFile)]);
      checkSameSize(image, imageFile, labels, maskFile);
      return {
        id: ids[index]!,
        image,
        mask: vocClasses(labels, maskFile, colourToIndex, binary),
        classNames: binary ? VOC_BINARY_CLASS_NAMES : VOC_CLASS_NAMES,
      };
    },
  });
}

/**
 * Class ids of a VOC mask: palette indices as they are (also gray masks holding indices, like
 * SBD's SegmentationClassAug), RGB masks mapped back through the VOC colour map.
 */
function vocClasses(labels: LabelImage, file: string, colourToIndex: Map<number, number>, binary: boolean): LabelArray {
  const data = new Int32Array(labels.data.length);
  for (let pixel = 0; pixel < data.length; pixel++) {
    const stored = labels.data[pixel]!;
    const value = labels.kind === 'colour' ? (colourToIndex.get(stored) ?? -1) : stored;
    if (value !== VOC_VOID && (value < 0 || value >= VOC_CLASS_NAMES.length)) {
      const row = Math.floor(pixel / labels.width);
      const column = pixel % labels.width;
      const shown = labels.kind === 'colour' ? `colour #${stored.toString(16).padStart(6, '0')}` : `value ${stored}`;
      throw new MaskValueError(
        `${file}: ${shown} at row ${row}, column ${column} is not a VOC class (0..20) nor void (255); the mask is not a VOC SegmentationClass PNG: restore the original file.`,
        file,
        stored,
      );
    }
    data[pixel] = binary && value !== VOC_VOID && value > 0 ? 1 : value;
  }
  return { data, height: labels.height, width: labels.width };
}
