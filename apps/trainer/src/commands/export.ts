import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { saveUNet } from '@unet/model';
import { fileSystem } from '@unet/model/node';
import { modelFromCheckpoint } from '@unet/train';
import { directoryCheckpointStore } from '@unet/train/node';
import { UsageError } from '../usage_error.js';

export const exportHelp = `unet export: save one checkpoint of a training run as a model folder

Usage: unet export --run DIR --out DIR [--checkpoint latest|best|STEP]

  --run DIR         a run folder of unet train (it holds checkpoints/)
  --checkpoint WHICH  latest (default), best (by the run's --monitor), or a step number
                    that the run kept (the last three and the best are kept)
  --out DIR         the model folder to write (model.json + weights.bin), as RUN/model is:
                    the run's class names, label values and tile go with it

unet train saves the best checkpoint as RUN/model; this picks another, e.g. the last one of a
run whose monitored measure peaked early, or any kept step to compare.
`;

export async function exportCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      run: { type: 'string' },
      checkpoint: { type: 'string', default: 'latest' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    print(exportHelp);
    return;
  }
  if (values.run === undefined || values.out === undefined) throw new UsageError('--run DIR and --out DIR are required (unet export --help)');
  const folder = path.join(values.run, 'checkpoints');
  if (!existsSync(folder)) throw new UsageError(`--run ${values.run}: no checkpoints/ there; pass the folder unet train wrote (its --out)`);
  const which = values.checkpoint === 'latest' || values.checkpoint === 'best' ? values.checkpoint : Number(values.checkpoint);
  if (typeof which === 'number' && !(Number.isInteger(which) && which >= 0)) {
    throw new UsageError(`--checkpoint: latest, best or a step number, got '${values.checkpoint}'`);
  }
  const store = directoryCheckpointStore(folder);
  const checkpoint = await store.load(which);
  if (checkpoint === undefined) {
    const kept = (await store.list()).map((info) => `${info.step}${info.best ? ' (best)' : ''}`).join(', ') || 'none';
    throw new UsageError(`--checkpoint ${values.checkpoint}: ${values.run} has no such checkpoint; it keeps steps ${kept}`);
  }
  // Exporting copies weights: the cpu backend is enough, whatever the machine has.
  await tf.setBackend('cpu');
  const model = modelFromCheckpoint(checkpoint, folder);
  try {
    await saveUNet(model, fileSystem(values.out), { ...model.metadata, trainingStep: checkpoint.step });
  } finally {
    model.dispose();
  }
  print(`step ${checkpoint.step} of ${values.run} -> ${values.out} (model.json, weights.bin)`);
}
