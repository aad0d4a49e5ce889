/** Arguments a loss cannot use (shapes that disagree, a wrong dtype); the message says which. */
export class LossArgumentError extends Error {
  override readonly name = 'LossArgumentError';
}

/** An optimiser, schedule or clipping setting that cannot work; the message names the value. */
export class TrainingConfigError extends Error {
  override readonly name = 'TrainingConfigError';
}

/** A batch that does not fit the model or the loss (shape, class id); it names the step. */
export class TrainingBatchError extends Error {
  override readonly name = 'TrainingBatchError';
}

/** A checkpoint that cannot be written, read or restored; the message names it and the fix. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

/**
 * The loss (or the gradient) became NaN or infinite. No checkpoint was written after it:
 * `lastCheckpoint` (when there is one) is the state to resume from, with a smaller learning
 * rate or gradient clipping. `weightsUpdated` says whether the weights in memory took that
 * step's gradients: fit reads losses back after the steps (readbackEvery), so they have,
 * whereas trainStep looks before it applies.
 */
export class NonFiniteLossError extends Error {
  override readonly name = 'NonFiniteLossError';

  constructor(
    /** The number of the step (1-based, as in the log) whose loss was not finite. */
    readonly step: number,
    readonly loss: number,
    readonly gradientNorm: number,
    /** The last checkpoint written before it: where it lies and after which step; absent when none was. */
    readonly lastCheckpoint?: { step: number; location: string },
    /** Whether the weights in memory were updated with that step (and the ones after it, up to the readback). */
    readonly weightsUpdated = false,
  ) {
    const resume =
      lastCheckpoint === undefined
        ? 'no checkpoint was written before it; restart'
        : `the last good checkpoint is ${lastCheckpoint.location} (after step ${lastCheckpoint.step}); resume from it`;
    super(
      `fit: the loss at step ${step} is ${loss} (gradient norm ${gradientNorm}); ` +
        (weightsUpdated
          ? 'the weights in memory were updated with it (losses are read back after the steps), no checkpoint was written after it, '
          : 'the weights were not updated with it ') +
        `and ${resume} with a smaller learning rate, gradient clipping (clip.globalNorm) or checked inputs`,
    );
  }
}
