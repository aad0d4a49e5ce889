import type { UNet } from '@unet/model';
import type { TrainingBatch } from '@unet/core';
import { TrainingBatchError } from '../errors.js';

/**
 * Checks that a batch fits the model: array lengths, the network's output size for its input
 * size, and class ids in [0, classes) or the ignore label. A label out of range would
 * otherwise be a silent all-zero one-hot row in the loss (the "gray 0/255 mask read as class
 * ids" problem users of other U-Nets meet).
 */
export function checkBatch(batch: TrainingBatch, model: UNet, step: number, ignoreLabel: number | null): void {
  const where = `fit: the batch of step ${step}`;
  const { batchSize, inputHeight, inputWidth, channels, outputHeight, outputWidth } = batch;
  const expect = (name: string, actual: number, expected: number) => {
    if (actual !== expected) {
      throw new TrainingBatchError(`${where}: ${name} has ${actual} values, not ${expected}: lay it out as the TrainingBatch type says`);
    }
  };
  expect('images', batch.images.length, batchSize * inputHeight * inputWidth * channels);
  expect('masks', batch.masks.length, batchSize * outputHeight * outputWidth);
  if (batch.weights !== undefined) expect('weights', batch.weights.length, batch.masks.length);
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
