import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeSelection, selectBackend, type BackendName } from '../backends/select_backend.js';
import { changeableOnResume, flagNames, readTrainConfigFile, resolveTrainOptions, type TrainOptions } from '../options/train_options.js';
import { createProgressWriter, formatDuration } from '../progress/progress_line.js';
import { runTraining } from '../training/run_training.js';
import { commandPrefix } from '../cli/command_prefix.js';
import { UsageError } from '../usage_error.js';
import { trainFoldsCommand } from '../training/train_folds_command.js';
import { interruptOnSignals } from '../training/interrupt.js';
import { acquireTrainerLock } from '../training/trainer_lock.js';

export const trainHelp = `unet train: train a U-Net; with no --data, on the embedded synthetic EM images

Usage: unet train [--data DIR --format isbi|ctc|voc|folder] [options]

Data
  --data DIR           the data set's root folder (default: none, the synthetic data)
  --format NAME        synthetic, isbi, ctc, voc or folder (docs/data-formats.md)
  --voc-mode MODE      voc only: classes (21) or binary (object vs background)
  --val-split N        validation share: a fraction (0.2) or a count (5); the LAST samples in
                       order are held out (ISBI: --val-split 5 validates on slices 20-24)
  --folds K            K-fold cross-validation (nnU-Net's 5) instead of --val-split: the samples
                       are shuffled by --seed and dealt into K folds (OUT/fold-i/folds.json);
                       fold i validates on fold i and trains on the others, into OUT/fold-i.
                       A rerun skips the folds whose model exists and continues started ones
                       from their last checkpoint. unet predict --model OUT averages the folds.
                       Not for the synthetic data (it is drawn, not a set of images)
  --fold I             with --folds: train fold I only (0 .. K-1)
Network and training
  --preset NAME        small (default; padded, batch norm, 1.9M parameters) or paper
  --tile N             output tile side in px (default 128); the paper net's input is 184 px larger
  --batch N            tiles per step (default 4)
  --steps N            optimiser steps (default 200), or
  --epochs N           passes over the training images
  --lr X               learning rate (default 0.001)
  --optimizer NAME     adam (default) or sgd (momentum --momentum, default 0.99 as in the paper)
  --schedule NAME      cosine (default), constant, step, poly or plateau
  --loss NAME          weighted-ce (default: the paper's weight map, --w0 10 --sigma 5), ce,
                       dice or ce+dice
  --augment NAME       elastic (default: the paper's elastic deformation, flips, rotations,
                       gray values), rigid (all of those but the elastic deformation), flips
                       or none
  --seed N             every random draw follows from it (default 1): the same command on the
                       same backend and thread count reruns to a byte-identical model
Run
  --out DIR            the run folder (default runs/<format>-<date>-<time>): config.json,
                       log.jsonl, checkpoints/, model/, loss.png, measures.png, predictions.png
  --resume             continue the run in --out from its last checkpoint, exactly
  --val-every N        validate every N steps (default 50)
  --monitor NAME       the validation measure that picks the kept model: auto (default: randError
                       for membranes, seg for ctc cells, iou otherwise), iou, dice, pixelError,
                       randError, variationOfInformation or seg
  --checkpoint-every N checkpoint every N steps (default 50)
  --workers N          threads making augmented batches on the CPU (default 1; 0: on the training
                       thread)
  --augment-on WHERE   auto (default: the GPU on --backend webgpu, the CPU elsewhere), cpu or gpu:
                       the GPU resamples each tile from the same draws as the CPU (equal within
                       float32 rounding), so that the tiles never travel through the CPU
  --time-limit MIN     stop after MIN minutes, with a checkpoint and the model saved (with --folds:
                       MIN for all the folds in this process; with --queue, MIN for each fold
                       job from its start on its worker); a rerun continues
  --backend NAME       tensorflow-gpu, tensorflow, webgpu, native, wasm or cpu (default: first that loads)
  --readback-every N   read the step losses back from the backend every N steps (default 10 on
                       webgpu and tensorflow-gpu, which then also run one discarded warm-up pass
                       to compile their kernels before the step times; 1 on the CPU backends).
                       No step waits for the GPU: the progress line and log.jsonl get every
                       step's exact loss, up to N-1 steps late, and always before a validation
                       or checkpoint; a NaN loss is found at the next readback, and the last
                       checkpoint before it is the one to resume from
  --config FILE.json   options as JSON (keys as in TrainOptions: learningRate for --lr, ...);
                       flags override the file, unknown keys are errors
  --queue URL          with --folds: one job per fold on a BullMQ queue on Redis
                       (redis://HOST:PORT/DB) for unet worker processes (which see --data and
                       --out at the same paths); waits until every fold is trained. A killed
                       worker's fold goes back to the queue and resumes from its last checkpoint
  --detach             with --queue: return once the folds are queued
  --attempts N         with --queue: tries per fold (default 3)
Ctrl-C stops after the current step with a checkpoint; --resume continues from there.
`;

function defaultRunFolder(format: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return path.join('runs', `${format}-${stamp}`);
}

function resumedOptions(flags: Record<string, string | boolean | undefined>): TrainOptions {
  if (flags.out === undefined) throw new UsageError('--resume needs --out RUN_DIR: the run folder to continue');
  const file = path.join(String(flags.out), 'config.json');
  let saved: { trainOptions?: Partial<TrainOptions> };
  try {
    saved = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `--resume: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); is ${flags.out} a run folder?`,
    );
  }
  const run = resolveTrainOptions({}, saved.trainOptions ?? {});
  const resumed = resolveTrainOptions(flags, { ...saved.trainOptions, resume: true });
  // The command that started the run, rerun with --resume, is accepted: only real changes are refused.
  const changed = (Object.keys(flagNames) as (keyof TrainOptions)[])
    .filter((key) => flags[flagNames[key]] !== undefined && !changeableOnResume.has(key))
    .filter((key) => !sameOption(key, resumed[key], run[key]))
    .map((key) => `--${flagNames[key]} ${String(resumed[key])} (the run has ${run[key] === undefined ? 'none' : String(run[key])})`);
  if (changed.length > 0) {
    throw new UsageError(`--resume continues a run as it was configured (${file}); these cannot change: ${changed.join(', ')}`);
  }
  return resumed;
}

/** A path names the same folder however it is written; other options compare as values. */
function sameOption(key: keyof TrainOptions, a: unknown, b: unknown): boolean {
  if (key === 'data' && typeof a === 'string' && typeof b === 'string') return path.resolve(a) === path.resolve(b);
  return a === b;
}

export async function trainCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const options = Object.fromEntries(
    Object.values(flagNames).map((flag) => [flag, { type: flag === 'resume' ? ('boolean' as const) : ('string' as const) }]),
  );
  const { values } = parseArgs({
    args: argv,
    options: {
      ...options,
      config: { type: 'string' },
      queue: { type: 'string' },
      detach: { type: 'boolean', default: false },
      attempts: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    print(trainHelp);
    return;
  }
  const { config, help: _help, queue, detach, attempts, ...flags } = values as Record<string, string | boolean | undefined>;
  if (queue !== undefined && flags.folds === undefined)
    throw new UsageError('--queue trains the folds of --folds K as jobs; one run trains in this process (leave out --queue)');
  if (flags.resume === true && flags.folds !== undefined)
    throw new UsageError('--resume with --folds: rerun the same command without --resume; started folds continue from their checkpoints');
  let trainOptions: TrainOptions;
  if (flags.resume === true) {
    if (config !== undefined) throw new UsageError('--resume takes the options of the run it continues; leave out --config');
    trainOptions = resumedOptions(flags);
  } else {
    trainOptions = resolveTrainOptions(flags, config === undefined ? {} : readTrainConfigFile(String(config)));
    if (flags.out === undefined && (config === undefined || readTrainConfigFile(String(config)).out === undefined)) {
      trainOptions = { ...trainOptions, out: defaultRunFolder(trainOptions.format) };
    }
  }

  if (trainOptions.folds !== undefined) {
    return trainFoldsCommand(
      trainOptions as TrainOptions & { folds: number },
      { queue: queue as string | undefined, detach: detach === true, attempts },
      print,
    );
  }
  const selection = await selectBackend(trainOptions.backend as BackendName | undefined);
  for (const line of describeSelection(selection)) print(line);

  // One trainer per run folder, as for a fold: a second unet train (or --resume) on it while this one runs is refused.
  const lock = await acquireTrainerLock(path.resolve(trainOptions.out));
  const interrupt = interruptOnSignals(trainOptions.timeLimit);
  const controller = interrupt.controller;
  try {
    const outcome = await runTraining(trainOptions, {
      print,
      progress: createProgressWriter(process.stderr),
      signal: controller.signal,
      backend: selection.chosen,
      beforeWrite: () => lock.check(),
    });
    const measures = Object.entries(outcome.measures)
      .filter(([name]) => !name.includes('/'))
      .map(([name, value]) => `${name} ${value.toFixed(4)}`)
      .join(', ');
    print(`stopped: ${outcome.fit.stopReason} after ${outcome.fit.steps} steps in ${formatDuration(outcome.seconds)}`);
    print(`model (step ${outcome.steps}): ${path.relative(process.cwd(), outcome.modelFolder) || '.'}`);
    print(`validation: ${measures}`);
    print(
      `plots: ${Object.values(outcome.plots)
        .map((file) => path.relative(process.cwd(), file))
        .join(', ')}`,
    );
    print(
      `segment images with: ${commandPrefix()} predict --model ${path.relative(process.cwd(), outcome.modelFolder)} IMAGE... --out DIR`,
    );
    if (outcome.fit.stopReason === 'aborted')
      print(`continue with: ${commandPrefix()} train --resume --out ${path.relative(process.cwd(), outcome.folder)}`);
  } finally {
    interrupt.release();
    await lock.release();
  }
}
