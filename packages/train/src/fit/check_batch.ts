import type { Tensor } from '@tensorflow/tfjs-core';
import type { UNet } from '@unet/model';
import { type TensorTrainingBatch, type TrainingBatch, isTensorTrainingBatch } from '@unet/core';
import { TrainingBatchError } from '../errors.js';

/**
 * Checks that a batch fits the model: array lengths, the network's output size for its input
 * size, and class ids in [0, classes) or the ignore label. A label out of range would
 * otherwise be a silent all-zero one-hot row in the loss (the "gray 0/255 mask read as class
 * ids" problem users of other U-Nets meet).
 *
 * A batch of tensors (TensorTrainingBatch) is checked for its shapes and dtypes only: reading
 * its masks back would make the step wait for the GPU. Its source checks the masks' values
 * before it uploads them (createBatchPlan does, with `classes`).
 */
export function checkBatch(batch: TrainingBatch | TensorTrainingBatch, model: UNet, step: number, ignoreLabel: number | null): void {
  const where = `fit: the batch of step ${step}`;
  const { batchSize, inputHeight, inputWidth, channels, outputHeight, outputWidth } = batch;
  const expect = (name: string, actual: number, expected: number) => {
    if (actual !== expected) {
      throw new TrainingBatchError(`${where}: ${name} has ${actual} values, not ${expected}: lay it out as the TrainingBatch type says`);
    }
  };
  const tensors = isTensorTrainingBatch(batch);
  const length = (values: ArrayLike<number> | Tensor) => ('size' in values ? values.size : values.length);
  expect('images', length(batch.images), batchSize * inputHeight * inputWidth * channels);
  expect('masks', length(batch.masks), batchSize * outputHeight * outputWidth);
  if (batch.weights !== undefined) expect('weights', length(batch.weights), length(batch.masks));
  if (tensors) checkTensorLayout(batch, where);
  let outputShape: number[];
  try {
    outputShape = model.outputShape([batchSize, inputHeight, inputWidth, channels]);
  } catch (error) {
    throw new TrainingBatchError(`${where}: ${(error as Error).message}`);
  }
  if (outputShape[1] !== outputHeight || outputShape[2] !== outputWidth) {
    throw new TrainingBatchError(
      `${where}: its masks are ${outputHeight} x ${outputWidth} but the network returns ` +
        `${outputShape[1]} x ${outputShape[2]} for ${inputHeight} x ${inputWidth} input tiles: ` +
        'crop the masks to the output tile (the unpadded network loses a border)',
    );
  }
  if (tensors) return;
  // A 1-channel (sigmoid) head still has two classes, 0 and 1.
  const classes = Math.max(model.config.classes, 2);
  const masks = batch.masks;
  for (let index = 0; index < masks.length; index++) {
    const label = masks[index];
    if ((label < 0 || label >= classes) && label !== ignoreLabel) {
      throw new TrainingBatchError(
        `${where}: mask value ${label} at index ${index} is not a class id of this ${classes}-class network ` +
          `(0 to ${classes - 1}${ignoreLabel === null ? '' : `, or ${ignoreLabel} to ignore`}): ` +
          'map the mask values to class ids (e.g. 0/255 masks to 0/1)',
      );
    }
  }
}

/** A tensor batch's shapes and dtypes, as TensorTrainingBatch gives them. */
function checkTensorLayout(batch: TensorTrainingBatch, where: string): void {
  const { batchSize, inputHeight, inputWidth, channels, outputHeight, outputWidth } = batch;
  const parts: [string, { shape: number[]; dtype: string } | undefined, number[], string][] = [
    ['images', batch.images, [batchSize, inputHeight, inputWidth, channels], 'float32'],
    ['masks', batch.masks, [batchSize, outputHeight, outputWidth], 'int32'],
    ['weights', batch.weights, [batchSize, outputHeight, outputWidth], 'float32'],
  ];
  for (const [name, tensor, shape, dtype] of parts) {
    if (tensor === undefined) continue;
    if (tensor.dtype !== dtype || tensor.shape.join(',') !== shape.join(',')) {
      throw new TrainingBatchError(
        `${where}: its ${name} tensor is ${tensor.dtype} [${tensor.shape.join(', ')}], not ${dtype} [${shape.join(', ')}]: make it as the TensorTrainingBatch type says`,
      );
    }
  }
}
