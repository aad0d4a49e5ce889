import * as tf from '@tensorflow/tfjs-core';
import { type Sample, createRandom, createSyntheticDataset } from '@unet/data';
import { type UNet, createUNet, presetConfig } from '@unet/model';
import { type TrainingBatch, createOptimizer, stepSeed, trainStep, weightedCrossEntropyLoss } from '@unet/train';

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
  /** After each step; awaited, so the page can repaint (tf.nextFrame). */
  onStep?: (step: number, loss: number) => Promise<void> | void;
  onPreview?: (preview: TrainingPreview) => void;
  /** Asked before each step; true ends the run early (the Stop button). */
  shouldStop?: () => boolean;
}

export interface BrowserTrainingResult {
  model: UNet;
  losses: number[];
}

/** A source of square training tiles // [tileSize, tileSize], plus one held-out preview tile. */
interface TileSource {
  classNames: readonly string[];
  training(index: number): Promise<{ image: Float32Array; mask: Int32Array }>;
  preview: { image: Float32Array; mask: Int32Array };
}

async function syntheticTiles(kind: 'em' | 'cells', tileSize: number, seed: number): Promise<TileSource> {
  // 16 training images and one more, never trained on, for the live preview.
  const dataset = createSyntheticDataset({ kind, seed, size: 17, height: tileSize, width: tileSize });
  const toTile = (sample: Sample) => ({ image: sample.image.data, mask: sample.mask.data });
  return {
    classNames: dataset.classNames,
    training: async (index) => toTile(await dataset.get(index % 16)),
    preview: toTile(await dataset.get(16)),
  };
}

/** Random crops of the user's pair, from a seeded generator; the preview is the centre crop. */
function pairTiles(pair: TrainingPair, tileSize: number, seed: number): TileSource {
  const random = createRandom(seed, 'demo-pair-crops');
  const crop = (top: number, left: number) => {
    const image = new Float32Array(tileSize * tileSize);
    const mask = new Int32Array(tileSize * tileSize);
    for (let row = 0; row < tileSize; row++) {
      const source = (top + row) * pair.width + left;
      image.set(pair.image.subarray(source, source + tileSize), row * tileSize);
      mask.set(pair.mask.subarray(source, source + tileSize), row * tileSize);
    }
    return { image, mask };
  };
  return {
    classNames: pair.classNames,
    training: async () => crop(random.integer(0, pair.height - tileSize + 1), random.integer(0, pair.width - tileSize + 1)),
    preview: crop((pair.height - tileSize) >> 1, (pair.width - tileSize) >> 1),
  };
}

/**
 * Trains a `small` U-Net here, on the page's backend: Adam on the plain cross-entropy, batches
 * of whole tiles (the small preset is padded, so its output has the tile's size), using
 * @unet/train's trainStep, which frees every tensor of a step. Returns the network; the caller
 * owns (and disposes) it.
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
  const source = options.pair === undefined ? await syntheticTiles(options.kind, tileSize, seed) : pairTiles(options.pair, tileSize, seed);
  const classes = source.classNames.length;
  const model = createUNet(presetConfig('small', { inputChannels: 1, classes, seed }));
  model.metadata = {
    classNames: [...source.classNames],
    ...(options.pair === undefined ? {} : { labelMapping: { values: options.pair.maskValues } }),
    trainedWith: `the demo's training panel: ${options.pair === undefined ? `synthetic '${options.kind}' data` : 'a dropped image and mask'}, ${steps} steps of ${batchSize} ${tileSize}-pixel tiles, Adam ${options.learningRate}, seed ${seed}`,
  };
  const optimizer = createOptimizer({ name: 'adam', learningRate: options.learningRate });
  const loss = weightedCrossEntropyLoss();
  const losses: number[] = [];
  const pixels = tileSize * tileSize;
  try {
    for (let step = 0; step < steps && !(callbacks.shouldStop?.() ?? false); step++) {
      const batch: TrainingBatch = {
        batchSize,
        inputHeight: tileSize,
        inputWidth: tileSize,
        channels: 1,
        outputHeight: tileSize,
        outputWidth: tileSize,
        images: new Float32Array(batchSize * pixels),
        masks: new Int32Array(batchSize * pixels),
      };
      for (let item = 0; item < batchSize; item++) {
        const tile = await source.training(step * batchSize + item);
        batch.images.set(tile.image, item * pixels);
        batch.masks.set(tile.mask, item * pixels);
      }
      const result = await trainStep({ model, optimizer, loss, batch, seed: stepSeed(seed, step) });
      if (!result.applied) throw new Error(`train_in_browser: the loss became ${result.loss} at step ${step + 1}; lower the learning rate`);
      losses.push(result.loss);
      await callbacks.onStep?.(step + 1, result.loss);
      if (callbacks.onPreview !== undefined && ((step + 1) % options.previewEvery === 0 || step + 1 === steps)) {
        const probabilities = tf.tidy(() => model.predict(tf.tensor4d(source.preview.image, [1, tileSize, tileSize, 1])));
        const values = (await probabilities.data()) as Float32Array;
        probabilities.dispose();
        callbacks.onPreview({ image: source.preview.image, truth: source.preview.mask, probabilities: values, size: tileSize, classes });
      }
    }
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    optimizer.dispose();
  }
  return { model, losses };
}
