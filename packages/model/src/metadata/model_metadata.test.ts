import { describe, expect, it } from 'vitest';
import { presetConfig } from '../presets.js';
import { ModelFormatError } from '../errors.js';
import { DEFAULT_CLASS_COLOURS, defaultLabelValues, modelMetadata, type UNetMetadata } from './model_metadata.js';

const twoClass = presetConfig('small', { baseChannels: 4, classNames: ['cell', 'membrane'] });
const model = (metadata: UNetMetadata, config = twoClass) => ({ config, metadata });

describe('modelMetadata', () => {
  it("reads what unet train saves: names, the user's label values, the threshold, the tile, the method", () => {
    const read = modelMetadata(
      model({
        classNames: ['cell', 'membrane'],
        labelMapping: { values: [255, 0] },
        threshold: 0.8,
        tile: { inputSize: 256, outputSize: 256 },
        inferenceTile: 192,
        instanceMethod: 'seeded',
        ignoreLabel: null,
      }),
    );
    expect(read).toEqual({
      classNames: ['cell', 'membrane'],
      labelValues: [255, 0],
      threshold: 0.8,
      inferenceTile: 192,
      instanceMethod: 'seeded',
      classColours: [[0, 0, 0], DEFAULT_CLASS_COLOURS[0]],
      paletteMasks: false,
    });
  });

  it('gives a model saved without a mapping the ISBI polarity when it was trained on isbi (else its masks come out inverted)', () => {
    expect(modelMetadata(model({ trainedOn: { format: 'isbi' } })).labelValues).toEqual([255, 0]);
    expect(modelMetadata(model({})).labelValues).toEqual([0, 255]);
    expect(modelMetadata(model({}, presetConfig('small', { classes: 3 }))).labelValues).toEqual([0, 1, 2]);
  });

  it('takes the training tile when no inference tile was saved, and marks VOC models as palette masks', () => {
    const read = modelMetadata(model({ tile: { inputSize: 128, outputSize: 96 }, trainedOn: { format: 'voc' } }));
    expect(read.inferenceTile).toBe(96);
    expect(read.paletteMasks).toBe(true);
    expect(read.threshold).toBeUndefined();
  });

  it('names classes from the config, else by number, and keeps saved colours', () => {
    const config = presetConfig('small', { classes: 3 });
    const read = modelMetadata(
      model(
        {
          classColours: [
            [0, 0, 0],
            [1, 2, 3],
          ],
        },
        config,
      ),
    );
    expect(read.classNames).toEqual(config.classNames ?? ['class 0', 'class 1', 'class 2']);
    expect(read.classColours).toEqual([[0, 0, 0], [1, 2, 3], DEFAULT_CLASS_COLOURS[1]]);
  });

  it('refuses a field of the wrong type, naming the field, the model and the fix', () => {
    expect(() => modelMetadata(model({ threshold: 1.2 }), 'models/x')).toThrow(ModelFormatError);
    expect(() => modelMetadata(model({ threshold: 1.2 }), 'models/x')).toThrow(
      /models\/x: its metadata's threshold is 1.2, not a probability/,
    );
    expect(() => modelMetadata(model({ labelMapping: { values: [0] } }))).toThrow(/labelMapping.values/);
    expect(() => modelMetadata(model({ instanceMethod: 'watershed' as never }))).toThrow(
      /one of components, seeded|one of seeded, components/,
    );
    expect(() => modelMetadata(model({ classColours: [[300, 0, 0]] }))).toThrow(/classColours/);
    expect(() => modelMetadata(model({ threshold: 0.5 }, presetConfig('small', { classes: 3 })))).toThrow(/more than two classes/);
  });
});

describe('defaultLabelValues', () => {
  it('is ISBI polarity for isbi, 0/255 for two classes, class ids otherwise', () => {
    expect(defaultLabelValues('isbi', 2)).toEqual([255, 0]);
    expect(defaultLabelValues('ctc', 2)).toEqual([0, 255]);
    expect(defaultLabelValues('voc', 21)).toHaveLength(21);
  });
});
