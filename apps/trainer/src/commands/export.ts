import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { writeFile } from 'node:fs/promises';
import { saveUNet } from '@unet/model';
import { fileSystem } from '@unet/model/node';
import { modelFromCheckpoint } from '@unet/train';
import { directoryCheckpointStore } from '@unet/train/node';
import { loadOnnxRuntime, onnxRuntimeInstallHint } from '../onnx/load_onnx_runtime.js';
import { modelFile, openModel } from '../prediction/model_files.js';
import { UsageError } from '../usage_error.js';

export const exportHelp = `unet export: save one checkpoint of a training run as a model folder, or a model as ONNX

Usage: unet export --run DIR --out DIR [--checkpoint latest|best|STEP]
       unet export --onnx OUT.onnx --model DIR [--skip-check]

  --run DIR         a run folder of unet train (it holds checkpoints/)
  --checkpoint WHICH  latest (default), best (by the run's --monitor), or a step number
                    that the run kept (the last three and the best are kept)
  --out DIR         the model folder to write (model.json + weights.bin), as RUN/model is:
                    the run's class names, label values and tile go with it

unet train saves the best checkpoint as RUN/model; this picks another, e.g. the last one of a
run whose monitored measure peaked early, or any kept step to compare.

  --onnx FILE       write the model folder --model DIR as ONNX (opset 17): input 'image'
                    [batch, channels, height, width], outputs 'logits' and 'probabilities'
                    [batch, classes, outHeight, outWidth]; batch, height and width dynamic; the
                    config, class names and label mapping in metadata_props. The graph is loaded
                    and run in ONNX Runtime (onnxruntime-node) and compared with the model before
                    the command reports success
  --skip-check      write it without ONNX Runtime (where onnxruntime-node is not installed)
`;

export async function exportCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      run: { type: 'string' },
      checkpoint: { type: 'string', default: 'latest' },
      out: { type: 'string' },
      onnx: { type: 'string' },
      model: { type: 'string' },
      'skip-check': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    print(exportHelp);
    return;
  }
  if (values.onnx !== undefined || values.model !== undefined) {
    await exportOnnx(values.onnx, values.model, values['skip-check'], print);
    return;
  }
  if (values.run === undefined || values.out === undefined)
    throw new UsageError('--run DIR and --out DIR are required (unet export --help)');
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

/** Checked by ONNX Runtime within this, on the probabilities: what the users compare. */
const checkTolerance = 1e-4;

async function exportOnnx(
  file: string | undefined,
  folder: string | undefined,
  skipCheck: boolean,
  print: (line: string) => void,
): Promise<void> {
  if (file === undefined || folder === undefined) throw new UsageError('--onnx FILE and --model DIR go together (unet export --help)');
  if (!file.toLowerCase().endsWith('.onnx')) throw new UsageError(`--onnx ${file}: name the file NAME.onnx`);
  modelFile(folder);
  // Loaded first: a missing runtime fails before anything is written.
  const runtime = skipCheck
    ? undefined
    : await loadOnnxRuntime().catch((error: Error) => {
        throw new UsageError(`${error.message.split(';')[0]}: it checks the export; ${onnxRuntimeInstallHint}, or pass --skip-check`);
      });
  // Exporting copies weights; the check's forward pass is faster on wasm than on cpu.
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) await tf.setBackend('cpu');
  // Loaded here, not at the top: every unet command would pay for it at start.
  const { exportOpset, exportUNetToOnnx } = await import('@unet/onnx');
  const { checkOnnxExport } = await import('../onnx/check_onnx_export.js');
  const model = await openModel(folder);
  try {
    const bytes = exportUNetToOnnx(model);
    let checked = 'not checked (--skip-check)';
    if (runtime !== undefined) {
      const check = await checkOnnxExport(runtime.runtime, bytes, model);
      if (!(check.maxAbsoluteDifference <= checkTolerance)) {
        throw new Error(
          `ONNX Runtime ${runtime.version} runs the exported graph but its probabilities differ from the model's by ${check.maxAbsoluteDifference} (more than ${checkTolerance}) at ${check.size.join('x')}; nothing was written`,
        );
      }
      checked = `checked in ONNX Runtime ${runtime.version} at ${check.size.join('x')}: max abs difference ${check.maxAbsoluteDifference.toExponential(2)} on probabilities`;
    }
    await writeFile(file, bytes);
    print(`${folder} -> ${file} (ONNX opset ${exportOpset}, ${(bytes.length / 2 ** 20).toFixed(1)} MiB); ${checked}`);
  } finally {
    model.dispose();
  }
}
