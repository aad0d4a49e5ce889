import { describe, expect, it } from 'vitest';
import { trainDefaults } from '../options/train_options.js';
import { UsageError } from '../usage_error.js';
import { batchRecipe, tileGeometry } from './training_setup.js';

describe('training setup', () => {
  it('gives the paper network an input 184 px larger, rounded up to a size its poolings fit', () => {
    expect(tileGeometry(388, { depth: 4, padding: 'valid' })).toEqual({ inputSize: 572, outputSize: 388 });
    expect(tileGeometry(100, { depth: 4, padding: 'valid' })).toEqual({ inputSize: 284, outputSize: 100 });
    expect(tileGeometry(101, { depth: 4, padding: 'valid' })).toEqual({ inputSize: 300, outputSize: 116 });
  });

  it('gives a padded network equal tiles, a multiple of 2^depth', () => {
    expect(tileGeometry(128, { depth: 4, padding: 'same' })).toEqual({ inputSize: 128, outputSize: 128 });
    expect(tileGeometry(100, { depth: 4, padding: 'same' })).toEqual({ inputSize: 112, outputSize: 112 });
  });

  it('reports an impossible tile as a usage error', () => {
    expect(() => tileGeometry(0, { depth: 4, padding: 'valid' })).toThrow(UsageError);
  });

  it('asks for weight maps only with the weighted loss, and no augmentation when told', () => {
    const geometry = { inputSize: 64, outputSize: 64 };
    expect(batchRecipe(trainDefaults, geometry, 2)).toMatchObject({
      batchSize: 4,
      weightMap: { w0: 10, sigma: 5 },
      augmentation: undefined,
      classes: 2,
    });
    expect(batchRecipe({ ...trainDefaults, loss: 'ce', augment: 'none' }, geometry, 2)).toMatchObject({
      weightMap: false,
      augmentation: false,
    });
    // 'rigid' leaves out only the elastic deformation (the ablation of the paper's augmentation).
    expect(batchRecipe({ ...trainDefaults, augment: 'rigid' }, geometry, 2).augmentation).toEqual({ elasticStd: 0 });
  });
});
