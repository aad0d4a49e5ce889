#!/usr/bin/env node
import * as tf from '@tensorflow/tfjs-core';
import { benchCommand, benchHelp } from './commands/bench.js';
import { evalCommand, evalHelp } from './commands/evaluate.js';
import { exportCommand, exportHelp } from './commands/export.js';
import { forwardCommand, forwardHelp } from './commands/forward.js';
import { infoCommand, infoHelp } from './commands/info.js';
import { predictCommand, predictHelp } from './commands/predict.js';
import { trainCommand, trainHelp } from './commands/train.js';
import { UsageError } from './usage_error.js';

const help = `unet: U-Net image segmentation (Ronneberger, Fischer, Brox 2015) on TensorFlow.js

Usage: unet <command> [options]      (unet <command> --help for its options)

Commands:
  train     train a U-Net (the default command: with no options, on the embedded synthetic
            EM images, a few minutes on two CPU cores)
  predict   segment images of any size with a trained model
  eval      measure a trained model on a data set (pixel, Rand, VI, IoU, Dice, SEG)
  export    save a checkpoint of a training run (latest, best or a step) as a model folder
  bench     time forward passes and training steps per backend (JSON lines; --vs-pytorch)
  forward   build the paper's network (or --preset small), run one forward pass, print shapes
            and the parameter count
  info      the backends that load here, the one chosen, and why others were skipped

Options for every command: --verbose (stack traces on errors), --help
`;

const commands: Record<string, { run: (argv: string[], print: (line: string) => void) => Promise<void>; help: string }> = {
  forward: { run: forwardCommand, help: forwardHelp },
  info: { run: infoCommand, help: infoHelp },
  train: { run: trainCommand, help: trainHelp },
  predict: { run: predictCommand, help: predictHelp },
  eval: { run: evalCommand, help: evalHelp },
  export: { run: exportCommand, help: exportHelp },
  bench: { run: benchCommand, help: benchHelp },
};

async function main(argv: string[]): Promise<number> {
  // Production mode: no tfjs banner suggesting tfjs-node on every run (`unet info` reports the
  // backends instead), and no debug-only checks.
  tf.enableProdMode();
  const verbose = argv.includes('--verbose');
  const args = argv.filter((arg) => arg !== '--verbose');
  const print = (line: string) => process.stdout.write(`${line}\n`);
  if (args[0] === '--help' || args[0] === '-h' || args[0] === 'help') {
    print(help);
    return 0;
  }
  const name = args[0] === undefined || args[0].startsWith('-') ? 'train' : args[0];
  const command = commands[name];
  try {
    if (command === undefined) throw new UsageError(`unknown command '${name}'; the commands are ${Object.keys(commands).join(', ')} (unet --help)`);
    await command.run(name === args[0] ? args.slice(1) : args, print);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`unet ${name}: ${message}\n`);
    if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    const isUsage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    return isUsage ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
