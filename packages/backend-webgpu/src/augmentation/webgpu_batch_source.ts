/**
 * Training batches augmented on the GPU: the same batches as @unet/data's createBatchSource
 * (the same samples, crops and augmentation draws, from the same createBatchPlan and
 * drawTrainingTile), but each tile is resampled by UnetAugmentTile on the GPU from its
 * un-augmented sample, uploaded once and kept there with the sample, and the batch's
 * gray-value change is one UnetGrayValueChange dispatch. The CPU draws a few dozen random
 * numbers per tile and never touches a pixel of it; the tiles never travel through the CPU.
 *
 * Why: the CPU pipeline makes a few tiles a second per core (docs/benchmarks.md), far behind
 * a GPU step. The tiles equal the CPU's within float32 rounding (see the test beside this).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BatchSource, TensorTrainingBatch } from '@unet/core';
import {
  type BatchSourceOptions,
  type Dataset,
  type PlannedTile,
  createBatchPlan,
  drawTrainingTile,
  resolveAugmentation,
} from '@unet/data';
import { type AugmentTileAttributes, augmentTileKernelName } from '../kernels/augment_tile.js';
import { grayValueChangeKernelName } from '../kernels/gray_value_change.js';
import { tileSamplingParameters } from '../programs/tile_sampling_parameters.js';

/** A source that cannot run where it was asked to; the message says what to do. */
export class WebGPUBatchSourceError extends Error {
  override readonly name = 'WebGPUBatchSourceError';

  constructor(message: string) {
    super(message);
  }
}

/** A sample as it lies on the GPU. */
interface DeviceSample {
  /** [height, width, channels] */
  image: tf.Tensor3D;
  /** [height, width] int32 */
  mask: tf.Tensor2D;
  /** [height, width]; absent without weight maps. */
  weights?: tf.Tensor2D;
}

/**
 * `classes` is required here: the tiles never reach the CPU, so fit cannot check their labels
 * (it does for arrays); createBatchPlan checks each sample's mask against it before upload.
 */
export function createWebGPUBatchSource(
  options: BatchSourceOptions & { dataset: Dataset; classes: number },
): BatchSource<TensorTrainingBatch> {
  if (!Number.isInteger(options.classes) || options.classes < 1) {
    throw new WebGPUBatchSourceError(
      `webgpu_batch_source.ts: classes must be the network's class count (a whole number >= 1), got ${String(options.classes)}; the masks are checked against it before they go to the GPU.`,
    );
  }
  if (tf.getBackend() !== 'webgpu') {
    throw new WebGPUBatchSourceError(
      `webgpu_batch_source.ts: the current tfjs backend is '${tf.getBackend()}', not 'webgpu'; call tf.setBackend('webgpu') first, or make the batches on the CPU with @unet/data's createBatchSource.`,
    );
  }
  const plan = createBatchPlan(options);
  const { dataset, batchSize, inputSize, outputSize, cacheSize = 64 } = options;
  const augmentation = resolveAugmentation(options.augmentation);
  const attributes: AugmentTileAttributes = {
    inputSize,
    outputSize,
    interpolation: augmentation.interpolation,
    weightInterpolation: augmentation.weightInterpolation,
    ignoreLabel: dataset.ignoreLabel ?? null,
  };
  const onDevice = new Map<number, DeviceSample>();
  let disposed = false;

  const release = (sample: DeviceSample) => tf.dispose([sample.image, sample.mask, sample.weights]);

  const upload = ({ sampleIndex, sample, weights }: PlannedTile): DeviceSample => {
    let held = onDevice.get(sampleIndex);
    if (held) {
      // Most recently used last, so the first key is the one to evict.
      onDevice.delete(sampleIndex);
    } else {
      const { height, width, channels } = sample.image;
      if (sample.mask.height !== height || sample.mask.width !== width) {
        throw new WebGPUBatchSourceError(
          `webgpu_batch_source.ts: sample '${sample.id}' has a ${height} x ${width} image but a ${sample.mask.height} x ${sample.mask.width} mask; the mask must have the image's size.`,
        );
      }
      held = {
        image: tf.tensor3d(sample.image.data, [height, width, channels], 'float32'),
        mask: tf.tensor2d(sample.mask.data, [height, width], 'int32'),
        weights: weights ? tf.tensor2d(weights, [height, width], 'float32') : undefined,
      };
    }
    onDevice.set(sampleIndex, held);
    return held;
  };

  return {
    stepsPerEpoch: plan.stepsPerEpoch,
    async batch(step: number): Promise<TensorTrainingBatch> {
      if (disposed) throw new WebGPUBatchSourceError('webgpu_batch_source.ts: batch() after dispose(); create a new source.');
      const tiles = await plan.plan(step);
      const slots = tiles.map((tile) => ({
        sample: upload(tile),
        draw: drawTrainingTile(tile.sample.image.height, tile.sample.image.width, tile.random, outputSize, augmentation),
      }));
      // The samples of this batch were used last: evicting down to the cache size spares them.
      while (onDevice.size > Math.max(cacheSize, batchSize)) {
        const oldest = onDevice.keys().next().value!;
        release(onDevice.get(oldest)!);
        onDevice.delete(oldest);
      }
      const { images, masks, weights } = tf.tidy(() => {
        const parts = slots.map(({ sample, draw }) => {
          const inputs: tf.NamedTensorMap = {
            image: sample.image,
            mask: sample.mask,
            parameters: tf.tensor1d(tileSamplingParameters(draw.geometry)),
          };
          if (sample.weights) inputs.weights = sample.weights;
          return tf.engine().runKernel(augmentTileKernelName, inputs, attributes as unknown as tf.NamedAttrMap) as tf.Tensor[];
        });
        let batchImages = tf.stack(parts.map((part) => part[0])) as tf.Tensor4D;
        const changes = slots.map(({ draw }) => draw.draw.grayValue);
        const changed = changes.map((change) => change.brightness !== 0 || change.contrast !== 1 || change.gamma !== 1);
        if (changed.some((flag) => flag)) {
          const values = changes.flatMap((change, slot) => [change.brightness, change.contrast, change.gamma, changed[slot] ? 1 : 0]);
          batchImages = tf.engine().runKernel(grayValueChangeKernelName, {
            images: batchImages,
            means: tf.mean(batchImages, [1, 2]),
            changes: tf.tensor2d(values, [slots.length, 4]),
          }) as tf.Tensor4D;
        }
        return {
          images: batchImages,
          masks: tf.stack(parts.map((part) => part[1])) as tf.Tensor3D,
          weights: parts[0].length > 2 ? (tf.stack(parts.map((part) => part[2])) as tf.Tensor3D) : undefined,
        };
      });
      return {
        batchSize,
        inputHeight: inputSize,
        inputWidth: inputSize,
        channels: dataset.channels,
        outputHeight: outputSize,
        outputWidth: outputSize,
        images,
        masks,
        weights,
      };
    },
    dispose() {
      disposed = true;
      for (const sample of onDevice.values()) release(sample);
      onDevice.clear();
      plan.dispose();
    },
  };
}
