import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { saveUNet } from '@unet/model';
import { fileSystem } from '@unet/model/node';
import { UsageError } from '../usage_error.js';

export const importHelp = `unet import: read a U-Net from ONNX (PyTorch's export, or unet export --onnx) as a model folder

Usage: unet import --onnx IN.onnx --out DIR

  --onnx FILE       an ONNX model of a U-Net: levels of two 3x3 convolutions (padded or not,
                    with bias or batch norm), 2x2 max pooling, 2x2 transposed convolutions or
                    bilinear up-sampling with a 1x1 convolution, skip connections cropped and
                    concatenated first, a 1x1 head; exported in eval mode, any width and depth
  --out DIR         the model folder to write (model.json + weights.bin)

The config is found from the graph (a graph it cannot map names the first node that does not
fit). PyTorch's eval export folds batch norm into the convolutions: that imports as convolutions
with bias, with the same outputs. Class names and label mapping come from metadata_props where
the file has them (unet export --onnx writes them).
`;

export async function importCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      onnx: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    print(importHelp);
    return;
  }
  if (values.onnx === undefined || values.out === undefined)
    throw new UsageError('--onnx FILE and --out DIR are required (unet import --help)');
  if (!existsSync(values.onnx)) throw new UsageError(`--onnx ${values.onnx}: no such file`);
  // Importing copies weights: the cpu backend is enough, whatever the machine has.
  await tf.setBackend('cpu');
  // Loaded here, not at the top: every unet command would pay for it at start.
  const { unetFromOnnx } = await import('@unet/onnx');
  const model = unetFromOnnx(await readFile(values.onnx), values.onnx);
  try {
    await saveUNet(model, fileSystem(values.out));
    const { config } = model;
    print(
      `${values.onnx} -> ${values.out} (model.json, weights.bin): ${config.inputChannels} channel(s), ${config.classes} classes, base ${config.baseChannels}, depth ${config.depth}, ` +
        `${config.padding}, normalization ${config.normalization}, bias ${config.convolutionBias}, ${config.upSampling} up-sampling; ${model.parameterCount.toLocaleString('en-US')} parameters`,
    );
  } finally {
    model.dispose();
  }
}
