import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { loadUNet, presetConfig, createUNet, type UNet } from '@unet/model';
import { fileSystem } from '@unet/model/node';
import { maxAbsoluteDifference } from '@unet/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportUNetToOnnx, onnxInputName } from './export_graph.js';
import { runOnnxRuntime } from './test/onnx_runtime.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// wasm (XNNPACK) runs these full-width networks some ten times faster than the cpu backend.
beforeAll(async () => {
  await tf.setBackend('wasm');
});

async function probabilityDifference(model: UNet, inputShape: [number, number, number, number], seed: number): Promise<number> {
  const images = tf.randomUniform(inputShape, 0, 1, 'float32', seed) as tf.Tensor4D;
  const ours = model.predict(images);
  const outputs = await runOnnxRuntime(exportUNetToOnnx(model), images, onnxInputName);
  const difference = maxAbsoluteDifference(ours, outputs.probabilities);
  tf.dispose([images, ours, ...Object.values(outputs)]);
  return difference;
}

describe('export checked by ONNX Runtime: the presets and the shipped models', () => {
  // The paper preset at its smallest valid inputs (188: 4 output pixels) keeps the
  // tfjs cpu forward pass to seconds; the crops and weights are those of 572.
  const cases: [string, () => Promise<UNet> | UNet, [number, number, number, number]][] = [
    ['paper preset (seeded weights)', () => createUNet(presetConfig('paper', { seed: 5 })), [1, 188, 188, 1]],
    ['small preset (seeded weights)', () => createUNet(presetConfig('small', { seed: 5 })), [2, 64, 96, 1]],
    ['models/isbi2012-em', () => loadUNet(fileSystem(path.join(repositoryRoot, 'models', 'isbi2012-em'))), [1, 256, 256, 1]],
    ['models/dic-hela', () => loadUNet(fileSystem(path.join(repositoryRoot, 'models', 'dic-hela'))), [1, 256, 256, 1]],
  ];
  for (const [title, build, shape] of cases) {
    it(`${title}: ONNX Runtime's probabilities within 1e-4 of ours`, { timeout: 240_000 }, async () => {
      const model = await build();
      const difference = await probabilityDifference(model, shape, 11);
      console.log(`export vs ONNX Runtime, ${title} at [${shape}]: max abs ${difference.toExponential(2)} on probabilities`);
      expect(difference).toBeLessThan(1e-4);
      model.dispose();
    });
  }
});
