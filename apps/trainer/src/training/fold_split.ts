import { createRandom } from '@unet/data';
import { UsageError } from '../usage_error.js';

/** The K folds of a data set's samples, and which of them one fold validates on. */
export interface FoldSplit {
  /** K: how many folds the samples are dealt into. */
  count: number;
  /** The fold that validates (0 .. K-1); the other K-1 train. */
  fold: number;
  /** The seed that dealt them (the run's --seed). */
  seed: number;
  /** Every fold's sample ids, each in the data set's order. */
  folds: string[][];
  training: string[];
  validation: string[];
}

/**
 * nnU-Net's cross-validation: the samples are shuffled by the seed and dealt into K folds of
 * sizes differing by at most one; fold i validates on its own samples and trains on the rest.
 * The same ids, K and seed give the same folds on every machine, so that K processes (or
 * queue workers), each computing its own fold, split alike, and the folds are disjoint and cover
 * every sample.
 */
export function foldSplit(ids: readonly string[], count: number, fold: number, seed: number): FoldSplit {
  if (!(Number.isInteger(count) && count >= 2))
    throw new UsageError(`--folds ${count}: give a whole number of folds, at least 2 (nnU-Net uses 5)`);
  if (ids.length < count)
    throw new UsageError(
      `--folds ${count}: the data set has ${ids.length} sample(s); each fold needs at least one, so use --folds ${ids.length} or fewer`,
    );
  if (!(Number.isInteger(fold) && fold >= 0 && fold < count))
    throw new UsageError(`--fold ${fold}: must be a whole number from 0 to ${count - 1}`);
  const order = createRandom(seed, 'folds').permutation(ids.length);
  const dealt = Array.from({ length: count }, () => [] as number[]);
  for (const [position, sample] of order.entries()) dealt[position % count]!.push(sample);
  const folds = dealt.map((samples) => samples.sort((a, b) => a - b).map((sample) => ids[sample]!));
  const validation = new Set(folds[fold]);
  return {
    count,
    fold,
    seed,
    folds,
    training: ids.filter((id) => !validation.has(id)),
    validation: folds[fold]!,
  };
}
