/** A U-Net configuration that cannot build a network; the message says which field and why. */
export class UNetConfigError extends Error {
  override readonly name = 'UNetConfigError';
}

/** An input tensor whose shape does not fit the network; the message says what would. */
export class UNetInputError extends Error {
  override readonly name = 'UNetInputError';
}

/**
 * Saved weights that do not fit the network: a missing, unexpected or misshapen weight. The
 * message names the weight and the model file.
 */
export class WeightMismatchError extends Error {
  override readonly name = 'WeightMismatchError';
}

/** A saved model that cannot be read at all (no weights manifest, not a unet-ts model, ...). */
export class ModelFormatError extends Error {
  override readonly name = 'ModelFormatError';
}
