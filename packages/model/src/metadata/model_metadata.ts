import { type InstanceMethod, instanceMethods } from '@unet/core';
import type { UNetConfig } from '../config.js';
import { ModelFormatError } from '../errors.js';

/** An RGB colour, each channel 0-255. */
export type Colour = readonly [number, number, number];

/**
 * What a model carries beside its weights (model.json's `userDefinedMetadata.unet.extra`), as
 * `unet train` writes it. Every field is optional: a model from elsewhere may have none, and
 * modelMetadata() gives each its default. Other keys (measures, the training command) pass through.
 */
export interface UNetMetadata {
  /** The name of each class, by class id. */
  classNames?: string[];
  /** `values[classId]`: the pixel value a mask holds for that class (ISBI: membrane 0, cell 255). */
  labelMapping?: { values: number[] } | null;
  /** The mask value that marks pixels no loss or measure counts (VOC's 255). */
  ignoreLabel?: number | null;
  /**
   * The decision threshold of a two-class (or one sigmoid class) model: class 1 where its
   * probability reaches it. Picked on the validation images for the monitored measure; absent:
   * the argmax (0.5).
   */
  threshold?: number;
  /** How the threshold was picked: the measure and the images. */
  thresholdPicked?: { measure: string; images: string };
  /** The training tile (`outputSize` is a good inference tile). */
  tile?: { inputSize: number; outputSize: number };
  /** The output tile inference uses by default. */
  inferenceTile?: number;
  /** How objects are cut out of the class-1 probabilities (cell models). */
  instanceMethod?: InstanceMethod;
  /** The colour of each class in overlays, by class id (class 0, the background, stays clear). */
  classColours?: Colour[];
  /** 'boundary' (membranes between regions) or 'object' (cells): how class 1's regions form. */
  foreground?: 'boundary' | 'object';
  trainedOn?: { format?: string; data?: string | null; dataset?: string };
  [key: string]: unknown;
}

/** The metadata with every default applied: what prediction, overlays and the demo read. */
export interface ModelMetadata {
  classNames: string[];
  /** `labelValues[classId]`: the value written into a mask for that class. */
  labelValues: number[];
  /** The decision threshold, where the model has one (see UNetMetadata.threshold). */
  threshold?: number;
  ignoreLabel?: number;
  /** The output tile to segment with, where the model says. */
  inferenceTile?: number;
  instanceMethod?: InstanceMethod;
  /** By class id; entry 0 (background) is unused. */
  classColours: Colour[];
  /** Masks are palette images (VOC): write class ids with the VOC colour map. */
  paletteMasks: boolean;
}

/**
 * Colours for classes 1, 2, ...: Sasha Trubetskoy's 20 distinct colours, red first, which stands
 * out on gray microscopy. The trainer's overlays and the demo both use them.
 */
export const DEFAULT_CLASS_COLOURS: readonly Colour[] = [
  [230, 25, 75],
  [60, 180, 75],
  [0, 130, 200],
  [255, 225, 25],
  [245, 130, 48],
  [145, 30, 180],
  [70, 240, 240],
  [240, 50, 230],
  [210, 245, 60],
  [250, 190, 212],
  [0, 128, 128],
  [220, 190, 255],
  [170, 110, 40],
  [255, 250, 200],
  [128, 0, 0],
  [170, 255, 195],
  [128, 128, 0],
  [255, 215, 180],
  [0, 0, 128],
  [128, 128, 128],
];

/**
 * The pixel values masks hold when a data set did not say: the ISBI challenge's polarity
 * (membrane 0, cell 255) for a model trained on the isbi layout, 0/255 for other two-class
 * masks, the class ids (VOC's palette indices) otherwise.
 */
export function defaultLabelValues(format: string | undefined, classes: number): number[] {
  if (format === 'isbi') return [255, 0];
  if (classes === 2) return [0, 255];
  return Array.from({ length: classes }, (_, index) => index);
}

/**
 * A model's metadata, checked and with its defaults. `source` names the model in errors (its
 * folder or URL). A field of the wrong type is a ModelFormatError that names it.
 */
export function modelMetadata(model: { config: UNetConfig; metadata: UNetMetadata }, source = 'the model'): ModelMetadata {
  const { metadata, config } = model;
  const classes = config.classes;
  const wrong = (field: string, expected: string, value: unknown): never => {
    throw new ModelFormatError(
      `${source}: its metadata's ${field} is ${JSON.stringify(value)}, not ${expected}: fix model.json's userDefinedMetadata.unet.extra.${field}, or delete it for the default`,
    );
  };
  const classCount = Math.max(classes, 2);
  const classNames = metadata.classNames ?? config.classNames ?? Array.from({ length: classCount }, (_, index) => `class ${index}`);
  if (!Array.isArray(classNames) || !classNames.every((name) => typeof name === 'string'))
    wrong('classNames', 'a list of names', classNames);

  const mapped = metadata.labelMapping?.values;
  const labelValues = mapped ?? defaultLabelValues(metadata.trainedOn?.format, classCount);
  if (
    !Array.isArray(labelValues) ||
    labelValues.length < classCount ||
    !labelValues.every((value) => Number.isInteger(value) && value >= 0 && value <= 65535)
  ) {
    wrong('labelMapping.values', `${classCount} whole numbers 0-65535, one per class`, mapped);
  }

  const { threshold } = metadata;
  if (threshold !== undefined && !(typeof threshold === 'number' && threshold >= 0 && threshold <= 1))
    wrong('threshold', 'a probability in [0, 1]', threshold);
  if (threshold !== undefined && classes > 2)
    wrong('threshold', 'absent for a model of more than two classes (they take the argmax)', threshold);

  const ignoreLabel = metadata.ignoreLabel ?? undefined;
  if (ignoreLabel !== undefined && !Number.isInteger(ignoreLabel)) wrong('ignoreLabel', 'a whole number or null', ignoreLabel);

  const inferenceTile = metadata.inferenceTile ?? metadata.tile?.outputSize;
  if (inferenceTile !== undefined && !(Number.isInteger(inferenceTile) && inferenceTile > 0))
    wrong('inferenceTile', 'a whole number of pixels', inferenceTile);

  const { instanceMethod } = metadata;
  if (instanceMethod !== undefined && !instanceMethods.includes(instanceMethod))
    wrong('instanceMethod', `one of ${instanceMethods.join(', ')}`, instanceMethod);

  const saved = metadata.classColours;
  if (saved !== undefined && !(Array.isArray(saved) && saved.every(isColour)))
    wrong('classColours', 'a list of [r, g, b] colours, 0-255', saved);
  const classColours: Colour[] = Array.from(
    { length: classCount },
    (_, classId) => saved?.[classId] ?? (classId === 0 ? [0, 0, 0] : DEFAULT_CLASS_COLOURS[(classId - 1) % DEFAULT_CLASS_COLOURS.length]),
  );

  return {
    classNames,
    labelValues,
    ...(threshold === undefined ? {} : { threshold }),
    ...(ignoreLabel === undefined ? {} : { ignoreLabel }),
    ...(inferenceTile === undefined ? {} : { inferenceTile }),
    ...(instanceMethod === undefined ? {} : { instanceMethod }),
    classColours,
    paletteMasks: metadata.trainedOn?.format === 'voc',
  };
}

function isColour(value: unknown): value is Colour {
  return (
    Array.isArray(value) && value.length === 3 && value.every((channel) => Number.isInteger(channel) && channel >= 0 && channel <= 255)
  );
}
