import { SizeMismatchError } from '../errors.js';
import type { ImageArray, LabelArray } from '@unet/core';
import type { Dataset, LabelMapping, Sample } from '../sample.js';

/**
 * A Dataset from a list of ids and a function that reads one sample: what every layout builds
 * once it has checked its files. Reading stays lazy; the list is fixed up front.
 */
export interface DatasetSpec {
  name: string;
  ids: readonly string[];
  classNames: readonly string[];
  channels: number;
  ignoreLabel?: number;
  labelMapping?: LabelMapping;
  read(index: number): Promise<Sample>;
}

export function createDataset(spec: DatasetSpec): Dataset {
  const ids = Object.freeze([...spec.ids]);
  const classNames = Object.freeze([...spec.classNames]);
  const get = async (index: number): Promise<Sample> => {
    if (!Number.isInteger(index) || index < 0 || index >= ids.length) {
      throw new RangeError(
        `${spec.name}: sample index ${index} is out of range; the data set has ${ids.length} samples (0..${ids.length - 1}).`,
      );
    }
    return spec.read(index);
  };
  return {
    name: spec.name,
    size: ids.length,
    classNames,
    channels: spec.channels,
    ...(spec.ignoreLabel !== undefined ? { ignoreLabel: spec.ignoreLabel } : {}),
    ...(spec.labelMapping ? { labelMapping: spec.labelMapping } : {}),
    ids,
    get,
    async *[Symbol.asyncIterator]() {
      for (let index = 0; index < ids.length; index++) yield await get(index);
    },
  };
}

/** Throws SizeMismatchError when a mask (or instance image) does not cover its image pixel for pixel. */
export function checkSameSize(image: ImageArray | LabelArray, imageFile: string, labels: LabelArray, labelFile: string): void {
  if (image.height !== labels.height || image.width !== labels.width) {
    throw new SizeMismatchError(
      `${labelFile}: is ${labels.width}x${labels.height} but its image ${imageFile} is ${image.width}x${image.height}; ` +
        'a mask must match its image pixel for pixel: re-export it at the image size (nearest-neighbour if resized).',
      labelFile,
    );
  }
}
