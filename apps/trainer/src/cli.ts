#!/usr/bin/env node
import * as tf from '@tensorflow/tfjs-core';
import { benchCommand, benchHelp } from './commands/bench.js';
import { evalCommand, evalHelp } from './commands/evaluate.js';
import { exportCommand, exportHelp } from './commands/export.js';
import { forwardCommand, forwardHelp } from './commands/forward.js';
import { importCommand, importHelp } from './commands/import.js';
import { infoCommand, infoHelp } from './commands/info.js';
import { predictCommand, predictHelp } from './commands/predict.js';
import { trainCommand, trainHelp } from './commands/train.js';
import { trainerVersion } from './cli/cli_version.js';
import { flagsInHelp, nearestFlag } from './cli/nearest_flag.js';
import { normalizeArguments } from './cli/normalize_arguments.js';
import { queueCommand, queueCommandHelp } from './commands/queue.js';
import { workerCommand, workerHelp } from './commands/worker.js';
import { UsageError } from './usage_error.js';
import { isDawnLoaded } from './backends/node_webgpu.js';

const help = `unet: U-Net image segmentation (Ronneberger, Fischer, Brox 2015) on TensorFlow.js

Usage: unet <command> [options]      (unet <command> --help for its options)

Commands:
  train     train a U-Net (the default command: with no options, on the embedded synthetic
            EM images, a few minutes on two CPU cores)
  predict   segment images of any size with a trained model
  eval      measure a trained model on a data set (pixel, Rand, VI, IoU, Dice, SEG)
  export    save a checkpoint of a training run (latest, best or a step) as a model folder,
            or a model folder as ONNX (--onnx)
  import    read a U-Net from ONNX (exported from PyTorch, or by unet export) as a model folder
  worker    run the jobs of a queue (unet predict --queue redis://...) on this machine
  queue     status, retry-failed, clean: show and manage a queue's jobs
  bench     time forward passes and training steps per backend (JSON lines; --vs-pytorch, --vs-onnxruntime)
  forward   build the paper's network (or --preset small), run one forward pass, print shapes
            and the parameter count
  info      the backends that load here, the one chosen, and why others were skipped

Options for every command: --verbose (stack traces on errors), --help (-h); unet --version
`;

const commands: Record<string, { run: (argv: string[], print: (line: string) => void) => Promise<void>; help: string }> = {
  forward: { run: forwardCommand, help: forwardHelp },
  info: { run: infoCommand, help: infoHelp },
  train: { run: trainCommand, help: trainHelp },
  predict: { run: predictCommand, help: predictHelp },
  eval: { run: evalCommand, help: evalHelp },
  export: { run: exportCommand, help: exportHelp },
  import: { run: importCommand, help: importHelp },
  bench: { run: benchCommand, help: benchHelp },
  worker: { run: workerCommand, help: workerHelp },
  queue: { run: queueCommand, help: queueCommandHelp },
};

async function main(argv: string[]): Promise<number> {
  // Production mode: no tfjs banner suggesting tfjs-node on every run (`unet info` reports the
  // backends instead), and no debug-only checks.
  tf.enableProdMode();
  const verbose = argv.includes('--verbose');
  const args = normalizeArguments(argv.filter((arg) => arg !== '--verbose'));
  const print = (line: string) => process.stdout.write(`${line}\n`);
  if (args[0] === '--help' || args[0] === 'help') {
    print(help);
    return 0;
  }
  if (args[0] === '--version' || args[0] === '-v') {
    print(trainerVersion());
    return 0;
  }
  const name = args[0] === undefined || args[0].startsWith('-') ? 'train' : args[0];
  const command = commands[name];
  try {
    if (command === undefined)
      throw new UsageError(`unknown command '${name}'; the commands are ${Object.keys(commands).join(', ')} (unet --help)`);
    await command.run(name === args[0] ? args.slice(1) : args, print);
    return 0;
  } catch (error) {
    const message = command === undefined ? String((error as Error).message) : explainParseError(error, command.help, name);
    process.stderr.write(`unet ${name}: ${message}\n`);
    if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    const isUsage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    return isUsage ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
// Dawn (the webgpu backend in Node) keeps the event loop alive: end once the output is written.
if (isDawnLoaded()) process.stdout.write('', () => process.exit());

/**
 * parseArgs's own words, made to say what to do: a mistyped flag gets the nearest one the
 * command has, and every parse error points at the command's --help.
 */
function explainParseError(error: unknown, commandHelp: string, name: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const typed = /'(--?[^']+)'/.exec(message)?.[1];
    const nearest = typed === undefined ? undefined : nearestFlag(typed, flagsInHelp(commandHelp));
    return `unknown option ${typed ?? message}${nearest === undefined ? '' : `; did you mean ${nearest}?`} (unet ${name} --help lists them)`;
  }
  if (code?.startsWith('ERR_PARSE_ARGS')) return `${message} (unet ${name} --help)`;
  return message;
}
