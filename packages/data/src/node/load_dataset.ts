import { DatasetOptionError } from '../errors.js';
import { loadCtcDataset } from '../layouts/ctc/ctc.js';
import { loadFolderDataset } from '../layouts/folder/folder.js';
import { loadIsbiDataset } from '../layouts/isbi/isbi.js';
import { loadVocDataset } from '../layouts/voc/voc.js';
import { DATASET_FORMATS, type LoadDatasetOptions } from '../load_dataset_options.js';
import type { Dataset } from '../sample.js';
import { type SyntheticDatasetOptions, createSyntheticDataset } from '../synthetic/synthetic_dataset.js';

/**
 * One entry point for every layout. The layout is checked now (folders, file pairs, split files,
 * paths inside the root; for 'folder' also every mask's values) so that a bad data set fails
 * before training starts; pixels are read later, one sample per `get(index)`.
 *
 * The options must be plain JSON: worker threads receive the same object and call loadDataset
 * again. For 'folder', pass the returned `labelMapping.values` as `labelValues` to those calls so
 * that they skip the scan of the masks.
 */
export async function loadDataset(options: LoadDatasetOptions): Promise<Dataset> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new DatasetOptionError(
      `loadDataset: options must be an object like { format: 'isbi', root: 'data/isbi2012' }, got ${describe(options)}.`,
    );
  }
  checkPlainJson(options, 'options');
  const format = (options as { format?: unknown }).format;
  if (!DATASET_FORMATS.includes(format as never)) {
    throw new DatasetOptionError(
      `loadDataset: unknown format ${describe(format)}; the formats are ${DATASET_FORMATS.map((name) => `'${name}'`).join(', ')}.`,
    );
  }
  if (options.format === 'synthetic') return loadSynthetic(options);
  if (typeof options.root !== 'string' || options.root.length === 0) {
    throw new DatasetOptionError(
      `loadDataset ${options.format}: 'root' must be the path of the data set's folder, got ${describe(options.root)}.`,
    );
  }
  switch (options.format) {
    case 'voc':
      return loadVocDataset(options);
    case 'isbi':
      return loadIsbiDataset(options);
    case 'ctc':
      return loadCtcDataset(options);
    case 'folder':
      return loadFolderDataset(options);
  }
}

// A static import, so that bundlers (the trainer's one-file build) take it along.
function loadSynthetic(options: Extract<LoadDatasetOptions, { format: 'synthetic' }>): Promise<Dataset> {
  const { format: _format, ...rest } = options;
  return Promise.resolve(createSyntheticDataset(rest as SyntheticDatasetOptions));
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Refuses values that would not survive a trip to a worker thread as JSON: functions, class instances, typed arrays, NaN. */
function checkPlainJson(value: unknown, where: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || value === undefined) return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new DatasetOptionError(`loadDataset: ${where} is ${value}; options must be plain JSON (finite numbers).`);
    return;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) checkPlainJson(item, `${where}[${index}]`);
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) checkPlainJson(item, `${where}.${key}`);
    return;
  }
  throw new DatasetOptionError(
    `loadDataset: ${where} is ${typeof value === 'function' ? 'a function' : `a ${(value as object).constructor?.name ?? typeof value}`}; options must be plain JSON (they are sent to worker threads): use numbers, strings, booleans, arrays and plain objects.`,
  );
}
