import { UsageError } from '../usage_error.js';

export const thresholdHelp = `  --threshold P     class 1 where its probability reaches P (two-class models); default: the
                    model's own decision threshold (picked on its validation images by
                    unet train), else the most probable class`;

/** `--threshold`'s value, checked; undefined when the flag is absent. */
export function parseThreshold(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !(value >= 0 && value <= 1)) {
    throw new UsageError(`--threshold: must be a probability between 0 and 1, got '${text}'`);
  }
  return value;
}

/** The threshold to cut masks at: the flag's, else the model's, for a two-class model only. */
export function decisionThreshold(flag: number | undefined, modelThreshold: number | undefined, classes: number): number | undefined {
  if (flag !== undefined && classes > 2) {
    throw new UsageError(
      `--threshold: the model has ${classes} classes; a threshold applies to two-class (or one sigmoid class) models, which decide by class 1's probability`,
    );
  }
  return flag ?? modelThreshold;
}
