import path from 'node:path';
import { labelConnectedComponents } from '@unet/core';
import { DatasetLayoutError, DatasetOptionError, MaskValueError, MissingFileError } from '../../errors.js';
import type { FolderDatasetOptions } from '../../load_dataset_options.js';
import { checkInside, fileStem, isFolder, joinInside, listFiles, resolveRoot } from '../../readers/files.js';
import { readImage, readImageHeader } from '../../readers/image.js';
import { type LabelImage, readLabelImage } from '../../readers/label_image.js';
import type { LabelArray } from '@unet/core';
import type { Dataset, LabelMapping } from '../../sample.js';
import { checkOptions, isBoolean, isIntegerArray, isString, isStringArray, oneOf, type OptionCheck } from '../options.js';
import { checkSameSize, createDataset } from '../dataset.js';

/**
 * Any data set as two folders matched by file stem: `image/` (or `images/`) and `label/` (or
 * `labels/`, `mask/`, `masks/`). Masks store whatever values their maker chose (0/255, 1/2,
 * palette indices, RGB colours); we map them to consecutive class ids in ascending order of
 * value (0/255 -> 0/1) and return the mapping, so that a model saves it and writes its
 * predictions back in the user's values. Without `labelValues` every mask is read once at load
 * time to find the values: bad masks fail there, not in the middle of training.
 */

const IMAGE_FOLDERS = ['image', 'images'];
const LABEL_FOLDERS = ['label', 'labels', 'mask', 'masks'];
/** The class id of ignored pixels (`ignoreValue`), as VOC's void. */
export const FOLDER_IGNORE_LABEL = 255;
/** More distinct values than this is not a class mask (anti-aliased edges, resized with interpolation, JPEG). */
const MAX_CLASSES = 255;

interface FolderPair {
  id: string;
  imageFile: string;
  maskFile: string;
}

const isInteger: OptionCheck = (value) => (Number.isInteger(value) ? undefined : 'an integer');

export async function loadFolderDataset(options: FolderDatasetOptions): Promise<Dataset> {
  const { format: _format, root: _root, ...rest } = options;
  checkOptions('loadDataset folder', rest, {
    split: isString,
    maskSuffix: (value) => (typeof value === 'string' ? undefined : 'a string'),
    labelValues: isIntegerArray,
    classNames: isStringArray,
    ignoreValue: isInteger,
    channels: oneOf(1, 3),
    ids: isStringArray,
    instances: isBoolean,
  });
  const realRoot = await resolveRoot(options.root, 'folder');
  const base = options.split ? joinInside(realRoot, options.split, "loadDataset folder: option 'split'") : realRoot;
  const imageFolder = await findFolder(base, IMAGE_FOLDERS, 'images');
  const labelFolder = await findFolder(base, LABEL_FOLDERS, 'masks');
  let pairs = await pairFiles(realRoot, imageFolder, labelFolder, options.maskSuffix ?? '');
  if (options.ids) {
    const byId = new Map(pairs.map((pair) => [pair.id, pair]));
    const unknown = options.ids.filter((id) => !byId.has(id));
    if (unknown.length)
      throw new DatasetOptionError(
        `loadDataset folder: ids ${unknown.slice(0, 5).join(', ')} have no image in ${imageFolder}; the ids are file stems, e.g. ${pairs
          .slice(0, 3)
          .map((pair) => pair.id)
          .join(', ')}.`,
      );
    pairs = options.ids.map((id) => byId.get(id)!);
  }
  const ignoreValue = options.ignoreValue;
  const scanned = options.labelValues ? { values: [...options.labelValues], colour: false } : await scanMaskValues(pairs, ignoreValue);
  const values = scanned.values;
  if (ignoreValue !== undefined && values.includes(ignoreValue)) {
    throw new DatasetOptionError(
      `loadDataset folder: ignoreValue ${ignoreValue} is also in labelValues; a value is either a class or ignored.`,
    );
  }
  if (ignoreValue !== undefined && values.length >= FOLDER_IGNORE_LABEL) {
    throw new DatasetOptionError(`loadDataset folder: ${values.length} classes leave no room for the ignore label ${FOLDER_IGNORE_LABEL}.`);
  }
  const classNames =
    options.classNames ?? values.map((value) => (scanned.colour ? `#${value.toString(16).padStart(6, '0')}` : String(value)));
  if (classNames.length !== values.length) {
    throw new DatasetOptionError(
      `loadDataset folder: ${classNames.length} classNames for ${values.length} mask values (${values.join(', ')}); give one name per value.`,
    );
  }
  const classOf = new Map(values.map((value, classId) => [value, classId]));
  const channels = options.channels ?? (await readImageHeader(pairs[0]!.imageFile)).channels;
  const labelMapping: LabelMapping = { values };
  const withInstances = options.instances ?? false;
  return createDataset({
    name: `folder ${path.basename(realRoot)}${options.split ? ` ${options.split}` : ''}`,
    ids: pairs.map((pair) => pair.id),
    classNames,
    channels,
    ...(ignoreValue !== undefined ? { ignoreLabel: FOLDER_IGNORE_LABEL } : {}),
    labelMapping,
    read: async (index) => {
      const pair = pairs[index]!;
      const [image, labels] = await Promise.all([readImage(pair.imageFile, { channels }), readLabelImage(pair.maskFile)]);
      checkSameSize(image, pair.imageFile, labels, pair.maskFile);
      const mask = toClasses(labels, pair.maskFile, classOf, ignoreValue, values);
      return { id: pair.id, image, mask, ...(withInstances ? { instances: objectInstances(mask) } : {}), classNames };
    },
  });
}

async function findFolder(base: string, names: readonly string[], what: string): Promise<string> {
  for (const name of names) {
    const folder = path.join(base, name);
    if (await isFolder(folder)) return folder;
  }
  throw new DatasetLayoutError(`${base}: no folder of ${what}; expected one of ${names.map((name) => `${name}/`).join(', ')}.`, base);
}

/** Pairs every image with the mask of the same stem (plus `suffix`); anything unpaired is an error. */
async function pairFiles(realRoot: string, imageFolder: string, labelFolder: string, suffix: string): Promise<FolderPair[]> {
  const images = await listFiles(imageFolder);
  if (images.length === 0)
    throw new DatasetLayoutError(
      `${imageFolder}: the folder holds no images (PNG, JPEG, TIFF, ...); put the training images there.`,
      imageFolder,
    );
  const masksByStem = new Map<string, string>();
  for (const name of await listFiles(labelFolder)) {
    const stem = fileStem(name);
    const previous = masksByStem.get(stem);
    if (previous)
      throw new DatasetLayoutError(
        `${path.join(labelFolder, name)}: two masks share the stem '${stem}' (${previous}, ${name}); keep one.`,
        path.join(labelFolder, name),
      );
    masksByStem.set(stem, name);
  }
  const pairs: FolderPair[] = [];
  const seen = new Map<string, string>();
  for (const name of images) {
    const id = fileStem(name);
    const imageFile = path.join(imageFolder, name);
    if (seen.has(id))
      throw new DatasetLayoutError(`${imageFile}: two images share the stem '${id}' (${seen.get(id)}, ${name}); keep one.`, imageFile);
    seen.set(id, name);
    const maskName = masksByStem.get(`${id}${suffix}`);
    if (!maskName) {
      throw new MissingFileError(
        `${imageFile}: no mask named ${id}${suffix}.* in ${labelFolder}; add it, or remove the image${suffix ? '' : " (masks named like '<stem>_mask.png' need maskSuffix: '_mask')"}.`,
        imageFile,
      );
    }
    masksByStem.delete(`${id}${suffix}`);
    const maskFile = path.join(labelFolder, maskName);
    await checkInside(realRoot, imageFile);
    await checkInside(realRoot, maskFile);
    pairs.push({ id, imageFile, maskFile });
  }
  const orphan = masksByStem.values().next();
  if (!orphan.done) {
    const file = path.join(labelFolder, orphan.value);
    throw new MissingFileError(`${file}: a mask without an image in ${imageFolder}; add the image or remove the mask.`, file);
  }
  return pairs;
}

/** The distinct values of all masks, ascending, and whether they are colours; one read of every mask. */
async function scanMaskValues(
  pairs: readonly FolderPair[],
  ignoreValue: number | undefined,
): Promise<{ values: number[]; colour: boolean }> {
  const found = new Set<number>();
  let firstKind: { kind: LabelImage['kind']; file: string } | undefined;
  for (const pair of pairs) {
    const labels = await readLabelImage(pair.maskFile);
    const kind = labels.kind === 'colour' ? 'colour' : 'values';
    if (firstKind && (firstKind.kind === 'colour') !== (kind === 'colour')) {
      throw new DatasetLayoutError(
        `${pair.maskFile}: a ${kind === 'colour' ? 'colour' : 'gray/palette'} mask among ${firstKind.kind === 'colour' ? 'colour' : 'gray/palette'} masks (${firstKind.file}); save all masks the same way.`,
        pair.maskFile,
      );
    }
    firstKind ??= { kind: labels.kind, file: pair.maskFile };
    for (const value of labels.data) found.add(value);
    if (found.size > MAX_CLASSES) {
      throw new MaskValueError(
        `${pair.maskFile}: the masks so far hold more than ${MAX_CLASSES} distinct values, too many for class masks; were they smoothed (anti-aliasing, resizing with interpolation, JPEG)? Re-export them with nearest-neighbour, or pass labelValues to declare the classes.`,
        pair.maskFile,
        labels.data[0]!,
      );
    }
  }
  if (ignoreValue !== undefined) found.delete(ignoreValue);
  return { values: [...found].sort((a, b) => a - b), colour: firstKind?.kind === 'colour' };
}

function toClasses(
  labels: LabelImage,
  file: string,
  classOf: Map<number, number>,
  ignoreValue: number | undefined,
  values: readonly number[],
): LabelArray {
  const data = new Int32Array(labels.data.length);
  for (let pixel = 0; pixel < data.length; pixel++) {
    const value = labels.data[pixel]!;
    const classId = value === ignoreValue ? FOLDER_IGNORE_LABEL : classOf.get(value);
    if (classId === undefined) {
      const shown = labels.kind === 'colour' ? `colour #${value.toString(16).padStart(6, '0')} (${value})` : `value ${value}`;
      throw new MaskValueError(
        `${file}: ${shown} at row ${Math.floor(pixel / labels.width)}, column ${pixel % labels.width} is not one of the classes' values (${values.join(', ')}); fix the mask or add the value to labelValues.`,
        file,
        value,
      );
    }
    data[pixel] = classId;
  }
  return { data, height: labels.height, width: labels.width };
}

/** Connected components (4-connectivity) of the pixels of any class but 0 and the ignore label. */
function objectInstances(mask: LabelArray): LabelArray {
  const objects = new Uint8Array(mask.data.length);
  for (let pixel = 0; pixel < objects.length; pixel++) {
    const classId = mask.data[pixel]!;
    objects[pixel] = classId !== 0 && classId !== FOLDER_IGNORE_LABEL ? 1 : 0;
  }
  return { data: labelConnectedComponents(objects, mask.height, mask.width, 4).labels, height: mask.height, width: mask.width };
}
