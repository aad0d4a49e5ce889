/**
 * The default data set: synthetic images generated on demand, deterministically from
 * (seed, index), so that anyone can train and test without a download, in Node and in the
 * browser. See em_image.ts and cells_image.ts for what the images show.
 */
import { createRandom } from '../random.js';
import type { Dataset, Sample } from '../sample.js';
import { generateCellsPicture } from './cells_image.js';
import { generateEmPicture } from './em_image.js';

/** What to generate; plain JSON (it crosses to worker threads). */
export interface SyntheticDatasetOptions {
  /** 'em': ISBI-like membranes (class 1 = membrane); 'cells': touching cells (class 1 = cell). Default 'em'. */
  kind?: 'em' | 'cells';
  /** Default 0. */
  seed?: number;
  /** Number of images; default 30 (a small U-Net learns them in minutes on two CPU cores). */
  size?: number;
  /** Image size in pixels; default 256 x 256. */
  height?: number;
  width?: number;
}

/** Options the synthetic data set cannot use. */
export class SyntheticDatasetError extends Error {
  override readonly name = 'SyntheticDatasetError';

  constructor(message: string) {
    super(message);
  }
}

const CLASS_NAMES = {
  em: ['cell', 'membrane'],
  cells: ['background', 'cell'],
} as const;

function positiveInteger(name: string, value: number, fix: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new SyntheticDatasetError(`synthetic_dataset.ts: ${name} must be a whole number >= 1, got ${value}; ${fix}.`);
  }
}

const KNOWN_OPTIONS = ['kind', 'seed', 'size', 'height', 'width'];

export function createSyntheticDataset(options: SyntheticDatasetOptions = {}): Dataset {
  const unknown = Object.keys(options).filter((key) => !KNOWN_OPTIONS.includes(key));
  if (unknown.length > 0) {
    throw new SyntheticDatasetError(
      `synthetic_dataset.ts: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => `'${key}'`).join(', ')}; the synthetic data set takes ${KNOWN_OPTIONS.join(', ')}.`,
    );
  }
  const { kind = 'em', seed = 0, size = 30, height = 256, width = 256 } = options;
  if (kind !== 'em' && kind !== 'cells') {
    throw new SyntheticDatasetError(`synthetic_dataset.ts: kind '${String(kind)}' is unknown; use 'em' or 'cells'.`);
  }
  if (!Number.isSafeInteger(seed)) {
    throw new SyntheticDatasetError(`synthetic_dataset.ts: seed must be a whole number, got ${seed}; pass e.g. 0.`);
  }
  positiveInteger('size', size, 'pass the number of images, e.g. 30');
  // Below about 32 px an image holds less than one cell.
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 32 || width < 32) {
    throw new SyntheticDatasetError(
      `synthetic_dataset.ts: images must be at least 32 x 32 whole pixels, got ${height} x ${width}; pass e.g. height 256, width 256.`,
    );
  }
  const classNames = CLASS_NAMES[kind];
  const ids = Array.from({ length: size }, (_, index) => `${kind}-${String(index).padStart(3, '0')}`);
  const generate = kind === 'em' ? generateEmPicture : generateCellsPicture;

  const get = async (index: number): Promise<Sample> => {
    if (!Number.isInteger(index) || index < 0 || index >= size) {
      throw new SyntheticDatasetError(
        `synthetic_dataset.ts: sample index ${index} is outside the data set of ${size} images; pass 0 to ${size - 1}.`,
      );
    }
    const picture = generate(createRandom(seed, 'synthetic', kind, index), height, width);
    return {
      id: ids[index],
      image: { data: picture.image, height, width, channels: 1 },
      mask: { data: picture.mask, height, width },
      instances: { data: picture.instances, height, width },
      classNames,
    };
  };

  return {
    name: `synthetic ${kind} (seed ${seed})`,
    size,
    classNames,
    channels: 1,
    ids,
    get,
    async *[Symbol.asyncIterator]() {
      for (let index = 0; index < size; index++) yield await get(index);
    },
  };
}
