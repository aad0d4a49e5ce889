/** Augmentation options or arrays that the augmentation cannot use; the message names the value and the fix. */
export class AugmentationError extends Error {
  override readonly name = 'AugmentationError';

  constructor(message: string) {
    super(message);
  }
}
