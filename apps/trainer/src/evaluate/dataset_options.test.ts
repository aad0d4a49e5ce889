import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage_error.js';
import { datasetOptions } from './dataset_options.js';

describe('datasetOptions', () => {
  it('gives each layout its options, VOC its val split by default', () => {
    expect(datasetOptions('isbi', '/data', undefined)).toEqual({ format: 'isbi', root: '/data' });
    expect(datasetOptions('voc', '/voc', undefined)).toEqual({ format: 'voc', root: '/voc', split: 'val' });
    expect(datasetOptions('folder', '/f', 'test')).toEqual({ format: 'folder', root: '/f', split: 'test' });
  });
  it('refuses a layout it does not know, naming the ones it does', () => {
    expect(() => datasetOptions('coco', '/c', undefined)).toThrow(UsageError);
    expect(() => datasetOptions('coco', '/c', undefined)).toThrow(/must be one of isbi, ctc, voc, folder, got 'coco'/);
  });
});
