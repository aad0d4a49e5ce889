/**
 * A training batch as `fit` consumes it: plain typed arrays, so that any producer (the
 * `@unet/data` pipeline, a worker thread, a test) can make one without depending on this package.
 * Input tiles are larger than output tiles for an unpadded network.
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
