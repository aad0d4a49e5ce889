import * as tf from '@tensorflow/tfjs-core';
import { validInputSize } from '@unet/core';
import { createUNet, presetConfig, presetNames, summarizeUNet, type PresetName } from '@unet/model';
import { parseArgs } from 'node:util';
import { describeSelection, selectBackend, type BackendName } from '../backends/select_backend.js';
import { UsageError } from '../usage_error.js';

export const forwardHelp = `unet forward: build a U-Net, run one forward pass on a random image, print its shapes

Usage: unet forward [--preset paper|small] [--size N] [--batch N] [--backend NAME] [--json]

  --preset    the network: 'paper' (Ronneberger et al. 2015, 31,030,658 parameters) or 'small'
              (default: paper)
  --size      input height and width; the paper network needs a valid size such as 572
              (default: 572 for paper, 256 for small)
  --batch     images per batch (default: 1)
  --backend   tensorflow-gpu, tensorflow, webgpu, native, wasm or cpu (default: the first that loads)
  --json      print one JSON object instead of the table
`;

export async function forwardCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      preset: { type: 'string', default: 'paper' },
      size: { type: 'string' },
      batch: { type: 'string', default: '1' },
      backend: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    print(forwardHelp);
    return;
  }
  const preset = values.preset as PresetName;
  if (!presetNames.includes(preset)) {
    throw new UsageError(`--preset must be one of ${presetNames.join(', ')}, got '${values.preset}'`);
  }
  const size = parsePositiveInteger('--size', values.size ?? (preset === 'paper' ? '572' : '256'));
  const batch = parsePositiveInteger('--batch', values.batch);
  const config = presetConfig(preset);
  try {
    validInputSize(size, config.depth, config.padding); // before the 31M weights are drawn
  } catch (error) {
    throw new UsageError(`--size ${size}: ${(error as Error).message}`);
  }
  const selection = await selectBackend(values.backend as BackendName | undefined);

  const model = createUNet(config);
  const inputShape: [number, number, number, number] = [batch, size, size, model.config.inputChannels];
  const rows = summarizeUNet(model, inputShape);
  const input = tf.randomUniform(inputShape, 0, 1, 'float32', 1) as tf.Tensor4D;
  const started = performance.now();
  const output = model.apply(input);
  await output.data();
  const seconds = (performance.now() - started) / 1000;
  const result = {
    preset,
    backend: selection.chosen,
    inputShape,
    outputShape: output.shape,
    parameters: model.parameterCount,
    seconds: Number(seconds.toFixed(3)),
    blocks: rows,
  };
  tf.dispose([input, output]);
  model.dispose();

  if (values.json) {
    print(JSON.stringify(result));
    return;
  }
  for (const line of describeSelection(selection)) print(line);
  print(`U-Net '${preset}': input [${inputShape}] -> output [${result.outputShape}]`);
  print('block    output shape             parameters');
  for (const row of rows) {
    print(`${row.block.padEnd(8)} [${row.outputShape.join(', ')}]`.padEnd(34) + row.parameters.toLocaleString('en-US').padStart(11));
  }
  print(`total parameters: ${result.parameters.toLocaleString('en-US')}`);
  print(`forward pass: ${seconds.toFixed(2)} s on ${selection.chosen}`);
}

function parsePositiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${flag} must be a positive integer, got '${text}'`);
  return value;
}
