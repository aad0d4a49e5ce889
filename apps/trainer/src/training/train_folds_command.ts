import path from 'node:path';
import { describeSelection, selectBackend, type BackendName } from '../backends/select_backend.js';
import { commandPrefix } from '../cli/command_prefix.js';
import type { TrainOptions } from '../options/train_options.js';
import { createProgressWriter } from '../progress/progress_line.js';
import { UsageError } from '../usage_error.js';
import { foldFolder, trainFold } from './train_folds.js';
import { interruptOnSignals } from './interrupt.js';
import { trainFoldsOnQueue } from './train_on_queue.js';

/**
 * `unet train --folds K [--fold I] --out DIR`: each fold into DIR/fold-i, one after another in
 * this process, or as jobs for `unet worker`s with `--queue`. Either way a fold whose model
 * exists is skipped and a started one continues from its last checkpoint.
 */
export async function trainFoldsCommand(
  options: TrainOptions & { folds: number },
  queued: { queue?: string; detach: boolean; attempts?: string | boolean },
  print: (line: string) => void,
): Promise<void> {
  const folds = options.fold === undefined ? Array.from({ length: options.folds }, (_, fold) => fold) : [options.fold];
  const perFold = folds.map((fold) => ({ ...options, fold }));
  const out = path.relative(process.cwd(), path.resolve(options.out)) || '.';
  if (queued.queue !== undefined) {
    const attempts = queued.attempts === undefined ? 3 : Number(queued.attempts);
    if (!Number.isInteger(attempts) || attempts < 1)
      throw new UsageError(`--attempts: expected a whole number >= 1, got '${queued.attempts}'`);
    const results = await trainFoldsOnQueue(queued.queue, perFold, { attempts, detach: queued.detach }, print);
    const stopped: number[] = [];
    for (const result of results) {
      if (result === undefined) continue;
      const what = result.skipped
        ? 'its model existed, skipped'
        : `model of step ${result.steps}${result.resumed ? ', resumed' : ''}${result.stopped ? ', stopped by --time-limit' : ''}`;
      if (result.stopped) stopped.push(result.fold);
      print(`fold ${result.fold}: ${path.relative(process.cwd(), result.folder)}/model (${what})`);
    }
    if (stopped.length > 0)
      print(`stopped in fold(s) ${stopped.join(', ')}: rerun the same command to continue (they resume from their checkpoints)`);
    else if (!queued.detach) print(`segment with the ensemble of the folds: ${commandPrefix()} predict --model ${out} IMAGE... --out DIR`);
    return;
  }
  if (queued.detach) throw new UsageError('--detach goes with --queue URL');
  const selection = await selectBackend(options.backend as BackendName | undefined);
  for (const line of describeSelection(selection)) print(line);
  // One limit for all the folds: --time-limit counts from the command's start.
  const interrupt = interruptOnSignals(options.timeLimit);
  const controller = interrupt.controller;
  try {
    for (const fold of perFold) {
      const result = await trainFold(fold, {
        print: (line) => print(`fold ${fold.fold}: ${line}`),
        progress: createProgressWriter(process.stderr),
        signal: controller.signal,
        backend: selection.chosen,
      });
      const model = path.relative(process.cwd(), path.join(result.folder, 'model'));
      if (result.skipped) {
        print(`fold ${fold.fold}: ${model} exists: skipped`);
        continue;
      }
      const outcome = result.outcome!;
      const measures = Object.entries(outcome.measures)
        .filter(([name]) => !name.includes('/'))
        .map(([name, value]) => `${name} ${value.toFixed(4)}`)
        .join(', ');
      print(`fold ${fold.fold}: model (step ${outcome.steps}${result.resumed ? ', resumed' : ''}): ${model}; validation: ${measures}`);
      if (outcome.fit.stopReason === 'aborted') {
        print(
          `stopped in fold ${fold.fold}: rerun the same command to continue (${foldFolder(out, fold.fold)} resumes from its checkpoint)`,
        );
        return;
      }
    }
  } finally {
    interrupt.release();
  }
  print(`segment with the ensemble of the folds: ${commandPrefix()} predict --model ${out} IMAGE... --out DIR`);
}
