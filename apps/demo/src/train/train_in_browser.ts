import * as tf from '@tensorflow/tfjs-core';
import { type Dataset, type Sample, createBatchSource, createSyntheticDataset } from '@unet/data';
import { type UNet, createUNet, presetConfig } from '@unet/model';
import { NonFiniteLossError, createOptimizer, fit, weightedCrossEntropyLoss } from '@unet/train';

/** An image and its mask that the user dropped in, to train on instead of synthetic data. */
export interface TrainingPair {
  /** Gray values in [0, 1] // [height, width] */
  image: Float32Array;
  /** Class ids 0..classes-1 // [height, width] */
  mask: Int32Array;
  height: number;
  width: number;
  classNames: string[];
  /** The user's mask value of each class, so that downloaded masks use the same values. */
  maskValues: number[];
}

export interface BrowserTrainingOptions {
  /** The synthetic data set (from @unet/data): 'em' membranes or touching 'cells'. */
  kind: 'em' | 'cells';
  steps: number;
  /** Side of the square training tiles; a multiple of 16 (the small preset pools 4 times). */
  tileSize: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Predict the preview image every this many steps. */
  previewEvery: number;
  pair?: TrainingPair;
}

export interface TrainingPreview {
  /** // [tileSize, tileSize] */
  image: Float32Array;
  truth: Int32Array;
  /** // [tileSize, tileSize, classes] */
  probabilities: Float32Array;
  size: number;
  classes: number;
}

export interface TrainingCallbacks {
  /** After each step; awaited (the training worker yields there, so that a Stop message is read). */
  onStep?: (step: number, loss: number) => Promise<void> | void;
  onPreview?: (preview: TrainingPreview) => void;
  /** Asked before each step; true ends the run early (the Stop button). */
  shouldStop?: () => boolean;
}

export interface BrowserTrainingResult {
  model: UNet;
  losses: number[];
}

/** The first `size` samples of `dataset`, as a data set of their own. */
function firstSamples(dataset: Dataset, size: number): Dataset {
  const get = (index: number) => {
    if (index >= size) throw new RangeError(`train_in_browser: sample ${index} of ${size}`);
    return dataset.get(index);
  };
  return {
    name: `${dataset.name}, first ${size}`,
    size,
    classNames: dataset.classNames,
    channels: dataset.channels,
    ids: dataset.ids.slice(0, size),
    get,
    async *[Symbol.asyncIterator]() {
      for (let index = 0; index < size; index++) yield await get(index);
    },
  };
}

/** The user's pair as a data set of one sample. */
function pairDataset(pair: TrainingPair): Dataset {
  const sample: Sample = {
    id: 'your image',
    image: { data: pair.image, height: pair.height, width: pair.width, channels: 1 },
    mask: { data: pair.mask, height: pair.height, width: pair.width },
    classNames: pair.classNames,
  };
  return {
    name: 'your image and mask',
    size: 1,
    classNames: pair.classNames,
    channels: 1,
    ids: [sample.id],
    get: async () => sample,
    async *[Symbol.asyncIterator]() {
      yield sample;
    },
  };
}

/** A centre crop // [tileSize, tileSize] of a one-channel sample, for the live preview. */
function centreTile(sample: Sample, tileSize: number): { image: Float32Array; mask: Int32Array } {
  const top = (sample.image.height - tileSize) >> 1;
  const left = (sample.image.width - tileSize) >> 1;
  const image = new Float32Array(tileSize * tileSize);
  const mask = new Int32Array(tileSize * tileSize);
  for (let row = 0; row < tileSize; row++) {
    const source = (top + row) * sample.image.width + left;
    image.set(sample.image.data.subarray(source, source + tileSize), row * tileSize);
    mask.set(sample.mask.data.subarray(source, source + tileSize), row * tileSize);
  }
  return { image, mask };
}

/**
 * Trains a `small` U-Net here, on the page's backend, with @unet/train's fit: Adam on the plain
 * cross-entropy (no weight map), batches from @unet/data's createBatchSource (seeded crops of
 * whole tiles, no augmentation: the small preset is padded, so its output has the tile's size).
 * Synthetic data: 16 training images and a 17th, never trained on, for the live preview; a
 * user's pair: crops of it, its centre for the preview. Returns the network; the caller owns
 * (and disposes) it.
 */
export async function trainInBrowser(options: BrowserTrainingOptions, callbacks: TrainingCallbacks = {}): Promise<BrowserTrainingResult> {
  const { tileSize, batchSize, steps, seed } = options;
  if (!Number.isInteger(tileSize) || tileSize < 32 || tileSize % 16 !== 0) {
    throw new Error(`train_in_browser: tile size ${tileSize} must be a multiple of 16, at least 32 (the small U-Net pools 4 times)`);
  }
  if (options.pair !== undefined && Math.min(options.pair.height, options.pair.width) < tileSize) {
    throw new Error(
      `train_in_browser: the image is ${options.pair.height} x ${options.pair.width}, smaller than the ${tileSize}-pixel tiles; choose a smaller tile size`,
    );
  }
  let dataset: Dataset;
  let previewSample: Sample;
  if (options.pair === undefined) {
    const synthetic = createSyntheticDataset({ kind: options.kind, seed, size: 17, height: tileSize, width: tileSize });
    dataset = firstSamples(synthetic, 16);
    previewSample = await synthetic.get(16);
  } else {
    dataset = pairDataset(options.pair);
    previewSample = await dataset.get(0);
  }
  const preview = centreTile(previewSample, tileSize);
  const classes = dataset.classNames.length;
  const model = createUNet(presetConfig('small', { inputChannels: 1, classes, seed }));
  model.metadata = {
    classNames: [...dataset.classNames],
    ...(options.pair === undefined ? {} : { labelMapping: { values: options.pair.maskValues } }),
    trainedWith: `the demo's training panel: ${options.pair === undefined ? `synthetic '${options.kind}' data` : 'a dropped image and mask'}, ${steps} steps of ${batchSize} ${tileSize}-pixel tiles, Adam ${options.learningRate}, seed ${seed}`,
  };
  const batches = createBatchSource({
    dataset,
    batchSize,
    inputSize: tileSize,
    outputSize: tileSize,
    augmentation: false,
    weightMap: false,
    seed,
    classes,
  });
  const optimizer = createOptimizer({ name: 'adam', learningRate: options.learningRate });
  const losses: number[] = [];
  // Asked before each step, as the Stop button is read: after a step, it stops fit before the next.
  const stop = new AbortController();
  try {
    if (!(callbacks.shouldStop?.() ?? false)) {
      await fit({
        model,
        batches,
        steps,
        loss: weightedCrossEntropyLoss(),
        optimizer,
        seed,
        signal: stop.signal,
        // The masks hold class ids only; none is an ignore label.
        ignoreLabel: null,
        // Each step's loss before the next step: the chart and the Stop button, which onStep
        // reads, follow every step (a read per step costs a small net little).
        readbackEvery: 1,
        callbacks: {
          onStep: async ({ step, loss }) => {
            losses.push(loss);
            await callbacks.onStep?.(step, loss);
            if (callbacks.onPreview !== undefined && (step % options.previewEvery === 0 || step === steps)) {
              const probabilities = tf.tidy(() => model.predict(tf.tensor4d(preview.image, [1, tileSize, tileSize, 1])));
              const values = (await probabilities.data()) as Float32Array;
              probabilities.dispose();
              callbacks.onPreview({ image: preview.image, truth: preview.mask, probabilities: values, size: tileSize, classes });
            }
            if (callbacks.shouldStop?.() ?? false) stop.abort();
          },
        },
      });
    }
  } catch (error) {
    model.dispose();
    if (error instanceof NonFiniteLossError) throw new Error(`train_in_browser: ${error.message}; lower the learning rate`);
    throw error;
  } finally {
    optimizer.dispose();
  }
  return { model, losses };
}
