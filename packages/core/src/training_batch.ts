/**
 * A training batch: what the data pipelines (`@unet/data`, the demo's page, a worker thread, a
 * test) hand to the training loop (`@unet/train`). Plain typed arrays, so that producer and
 * consumer share this contract without depending on each other. Input tiles are larger than
 * output tiles for an unpadded network (the missing context is mirrored at image borders).
 */
export interface TrainingBatch {
  batchSize: number;
  inputHeight: number;
  inputWidth: number;
  channels: number;
  outputHeight: number;
  outputWidth: number;
  /** `[batch, inputHeight, inputWidth, channels]` */
  images: Float32Array;
  /** `[batch, outputHeight, outputWidth]` class ids; the ignore label kept as is. */
  masks: Int32Array;
  /** `[batch, outputHeight, outputWidth]` per-pixel loss weights (the paper's weight map), absent when unweighted. */
  weights?: Float32Array;
}
