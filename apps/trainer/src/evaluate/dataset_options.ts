import type { LoadDatasetOptions } from '@unet/data';
import { UsageError } from '../usage_error.js';

/** loadDataset's options for `unet eval --data ROOT --format NAME [--split NAME]`. */
export function datasetOptions(format: string, root: string, split: string | undefined): LoadDatasetOptions {
  switch (format) {
    case 'isbi':
      return { format: 'isbi', root };
    case 'ctc':
      return { format: 'ctc', root };
    case 'voc':
      return { format: 'voc', root, split: split ?? 'val' };
    case 'folder':
      return { format: 'folder', root, ...(split === undefined ? {} : { split }) };
    default:
      throw new UsageError(`--format: must be one of isbi, ctc, voc, folder, got '${format}'`);
  }
}
