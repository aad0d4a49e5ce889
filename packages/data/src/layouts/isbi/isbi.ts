import path from 'node:path';
import { labelConnectedComponents } from '@unet/core';
import { DatasetLayoutError, DatasetOptionError, MaskValueError, MissingFileError, SizeMismatchError } from '../../errors.js';
import type { IsbiDatasetOptions } from '../../load_dataset_options.js';
import { checkInside, fileStem, isFile, isFolder, listFiles, resolveRoot } from '../../readers/files.js';
import { readImage, readImageHeader } from '../../readers/image.js';
import { readLabelImage } from '../../readers/label_image.js';
import type { LabelArray } from '@unet/core';
import type { Dataset } from '../../sample.js';
import { checkOptions, isBoolean, isIndexArray, isStringArray, oneOf } from '../options.js';
import { checkSameSize, createDataset } from '../dataset.js';

/**
 * ISBI 2012 EM segmentation, the U-Net paper's first experiment. Two forms hold the same slices:
 * the challenge's multi-page TIFF stacks (`train-volume.tif` + `train-labels.tif`, 30 pages) and
 * per-slice folders (`train/image/00.png` + `train/label/00.png`). The label files store
 * 0 = membrane and 255 = cell interior; the task is to find the membrane, so the membrane is
 * class 1 and the cell interior class 0 here.
 */

export const ISBI_CLASS_NAMES: readonly string[] = ['cell', 'membrane'];
const MEMBRANE_VALUE = 0;
const CELL_VALUE = 255;

interface IsbiSlice {
  id: string;
  imageFile: string;
  labelFile: string;
  /** Page in a stack; 0 for per-slice files. */
  page: number;
  stack: boolean;
}

export async function loadIsbiDataset(options: IsbiDatasetOptions): Promise<Dataset> {
  const { format: _format, root: _root, ...rest } = options;
  checkOptions('loadDataset isbi', rest, {
    split: oneOf('train'),
    form: oneOf('auto', 'stack', 'folders'),
    slices: isIndexArray,
    ids: isStringArray,
    instances: isBoolean,
  });
  if (options.slices && options.ids) throw new DatasetOptionError("loadDataset isbi: give 'slices' or 'ids', not both.");
  const realRoot = await resolveRoot(options.root, 'ISBI 2012');
  const form = options.form ?? 'auto';
  const folders = path.join(realRoot, 'train');
  const stack = { image: path.join(realRoot, 'train-volume.tif'), label: path.join(realRoot, 'train-labels.tif') };
  const hasFolders = await isFolder(path.join(folders, 'image'));
  const hasStack = await isFile(stack.image);
  let slices: IsbiSlice[];
  if ((form === 'auto' && hasFolders) || form === 'folders') {
    slices = await listSliceFolders(realRoot, folders);
  } else if ((form === 'auto' && hasStack) || form === 'stack') {
    slices = await listStackPages(realRoot, stack.image, stack.label);
  } else {
    throw new DatasetLayoutError(
      `${realRoot}: no ISBI 2012 data found; expected train-volume.tif with train-labels.tif, or train/image/ with train/label/ (one file per slice).`,
      realRoot,
    );
  }
  if (options.slices) {
    const outside = options.slices.filter((slice) => slice >= slices.length);
    if (outside.length) {
      throw new DatasetOptionError(
        `loadDataset isbi: slices ${outside.join(', ')} do not exist; ${realRoot} has ${slices.length} slices, 0..${slices.length - 1}.`,
      );
    }
    slices = options.slices.map((slice) => slices[slice]!);
  } else if (options.ids) {
    const byId = new Map(slices.map((slice) => [slice.id, slice]));
    const unknown = options.ids.filter((id) => !byId.has(id));
    if (unknown.length) {
      throw new DatasetOptionError(
        `loadDataset isbi: ids ${unknown.join(', ')} do not exist; the slices are ${slices[0]!.id}..${slices[slices.length - 1]!.id}.`,
      );
    }
    slices = options.ids.map((id) => byId.get(id)!);
  }
  const withInstances = options.instances ?? false;
  return createDataset({
    name: `isbi2012 ${options.split ?? 'train'}`,
    ids: slices.map((slice) => slice.id),
    classNames: ISBI_CLASS_NAMES,
    channels: 1,
    read: async (index) => {
      const slice = slices[index]!;
      const [image, labels] = await Promise.all([
        readImage(slice.imageFile, { page: slice.page, channels: 1 }),
        readLabelImage(slice.labelFile, { page: slice.page }),
      ]);
      checkSameSize(image, slice.imageFile, labels, slice.labelFile);
      const mask = membraneMask(labels, slice.labelFile, slice.stack ? `${slice.labelFile} page ${slice.page}` : slice.labelFile);
      return {
        id: slice.id,
        image,
        mask,
        ...(withInstances ? { instances: cellInstances(mask) } : {}),
        classNames: ISBI_CLASS_NAMES,
      };
    },
  });
}

async function listSliceFolders(realRoot: string, folders: string): Promise<IsbiSlice[]> {
  const imageFolder = path.join(folders, 'image');
  const labelFolder = path.join(folders, 'label');
  for (const folder of [imageFolder, labelFolder]) {
    if (!(await isFolder(folder)))
      throw new DatasetLayoutError(`${folder}: missing; per-slice ISBI data needs train/image/ and train/label/.`, folder);
  }
  const images = await listFiles(imageFolder);
  const labels = await listFiles(labelFolder);
  if (images.length === 0)
    throw new DatasetLayoutError(`${imageFolder}: holds no image files (PNG or TIFF); put one file per slice there.`, imageFolder);
  const labelByStem = new Map(labels.map((name) => [fileStem(name), name]));
  const imageStems = new Set(images.map(fileStem));
  for (const name of labels) {
    if (!imageStems.has(fileStem(name))) {
      throw new MissingFileError(
        `${path.join(labelFolder, name)}: a label without an image; add ${path.join(imageFolder, fileStem(name))}.png or remove the label.`,
        path.join(labelFolder, name),
      );
    }
  }
  const slices: IsbiSlice[] = [];
  for (const name of images) {
    const id = fileStem(name);
    const label = labelByStem.get(id);
    const imageFile = path.join(imageFolder, name);
    if (!label)
      throw new MissingFileError(
        `${imageFile}: no label for this slice in ${labelFolder}; add ${id}.png there or remove the image.`,
        imageFile,
      );
    const labelFile = path.join(labelFolder, label);
    await checkInside(realRoot, imageFile);
    await checkInside(realRoot, labelFile);
    slices.push({ id, imageFile, labelFile, page: 0, stack: false });
  }
  return slices;
}

async function listStackPages(realRoot: string, imageFile: string, labelFile: string): Promise<IsbiSlice[]> {
  if (!(await isFile(labelFile))) {
    throw new MissingFileError(
      `${labelFile}: missing; the training volume needs its label stack beside it (the test volume has no public labels).`,
      labelFile,
    );
  }
  await checkInside(realRoot, imageFile);
  await checkInside(realRoot, labelFile);
  const [imageHeader, labelHeader] = await Promise.all([readImageHeader(imageFile), readImageHeader(labelFile)]);
  if (imageHeader.pages !== labelHeader.pages) {
    throw new SizeMismatchError(
      `${labelFile}: has ${labelHeader.pages} pages but ${imageFile} has ${imageHeader.pages}; use the label stack that belongs to this volume.`,
      labelFile,
    );
  }
  const digits = Math.max(2, String(imageHeader.pages - 1).length);
  return Array.from({ length: imageHeader.pages }, (_, page) => ({
    id: String(page).padStart(digits, '0'),
    imageFile,
    labelFile,
    page,
    stack: true,
  }));
}

/** Class ids from an ISBI label image: 0 (membrane) -> 1, 255 (cell interior) -> 0. */
function membraneMask(labels: LabelArray, file: string, where: string): LabelArray {
  const data = new Int32Array(labels.data.length);
  for (let pixel = 0; pixel < data.length; pixel++) {
    const value = labels.data[pixel]!;
    if (value === MEMBRANE_VALUE) data[pixel] = 1;
    else if (value !== CELL_VALUE) {
      const row = Math.floor(pixel / labels.width);
      throw new MaskValueError(
        `${where}: value ${value} at row ${row}, column ${pixel % labels.width}; ISBI labels hold only 0 (membrane) and 255 (cell interior). Use the challenge's original label files, or the 'folder' format with labelValues for other encodings.`,
        file,
        value,
      );
    }
  }
  return { data, height: labels.height, width: labels.width };
}

/** The cells: connected components of the interior (class 0), 4-connectivity so that a one-pixel membrane separates them. */
function cellInstances(mask: LabelArray): LabelArray {
  const interior = new Uint8Array(mask.data.length);
  for (let pixel = 0; pixel < interior.length; pixel++) interior[pixel] = mask.data[pixel] === 0 ? 1 : 0;
  return { data: labelConnectedComponents(interior, mask.height, mask.width, 4).labels, height: mask.height, width: mask.width };
}
