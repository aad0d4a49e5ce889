import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createUNet, type UNetConfig } from '@unet/model';
import { maxAbsoluteDifference } from '@unet/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportUNetToOnnx, onnxInputName } from './export_graph.js';
import { metadataKeys } from './metadata_props.js';
import { onnx } from './onnx_proto.js';
import { runOnnxRuntime } from './test/onnx_runtime.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function randomImages(seed: number, shape: [number, number, number, number]): tf.Tensor4D {
  return tf.randomUniform(shape, 0, 1, 'float32', seed) as tf.Tensor4D;
}

/** Our probabilities and ONNX Runtime's on the exported graph, for each input size: max abs difference. */
async function compareWithOnnxRuntime(config: Partial<UNetConfig>, sizes: number[]): Promise<number[]> {
  const model = createUNet(config);
  // Batch norm's fresh statistics (mean 0, variance 1) would hide a mix-up of its four weights.
  model.namedWeights().forEach(({ variable }, index) => {
    if (variable.shape.length === 1) variable.assign(tf.randomUniform(variable.shape, 0.2, 1, 'float32', index + 1));
  });
  const bytes = exportUNetToOnnx(model);
  const differences: number[] = [];
  for (const [index, size] of sizes.entries()) {
    const images = randomImages(index + 7, [2, size, size + 2 * 2 ** model.config.depth, model.config.inputChannels]);
    const ours = model.predict(images);
    const outputs = await runOnnxRuntime(bytes, images, onnxInputName);
    expect(outputs.probabilities.shape).toEqual(ours.shape);
    differences.push(maxAbsoluteDifference(ours, outputs.probabilities));
    tf.dispose([images, ours, ...Object.values(outputs)]);
  }
  model.dispose();
  return differences;
}

describe('exportUNetToOnnx, checked by ONNX Runtime', () => {
  const variants: [string, Partial<UNetConfig>][] = [
    ['unpadded, transposed, no batch norm (the paper, narrow)', { baseChannels: 4, depth: 2 }],
    [
      'padded, batch norm without bias, transposed (the small preset, narrow)',
      { baseChannels: 4, depth: 2, padding: 'same', normalization: 'batch', convolutionBias: false, dropout: 0 },
    ],
    [
      'unpadded, bilinear, batch norm with bias',
      { baseChannels: 4, depth: 2, upSampling: 'bilinear', normalization: 'batch', inputChannels: 3, classes: 3 },
    ],
    ['padded, bilinear, depth 3', { baseChannels: 2, depth: 3, padding: 'same', upSampling: 'bilinear' }],
  ];
  for (const [title, config] of variants) {
    it(`${title}: same probabilities at two input sizes (dynamic height and width)`, async () => {
      const sizes = config.padding === 'same' ? [16, 24] : config.depth === 3 ? [92, 100] : [44, 52];
      const differences = await compareWithOnnxRuntime(config, sizes);
      console.log(`export vs ONNX Runtime, ${title}: max abs ${differences.map((d) => d.toExponential(2)).join(', ')}`);
      for (const difference of differences) expect(difference).toBeLessThan(1e-5);
    });
  }

  it('gives one class the sigmoid of its logit (as @unet/inference reads a 1-class head)', async () => {
    const model = createUNet({ baseChannels: 2, depth: 1, classes: 1, padding: 'same' });
    const images = randomImages(3, [1, 8, 8, 1]);
    const sigmoid = tf.tidy(() => tf.sigmoid(model.apply(images)));
    const outputs = await runOnnxRuntime(exportUNetToOnnx(model), images, onnxInputName);
    expect(maxAbsoluteDifference(sigmoid, outputs.probabilities)).toBeLessThan(1e-6);
    tf.dispose([images, sigmoid, ...Object.values(outputs)]);
    model.dispose();
  });

  it('writes opset 17, symbolic height and width, and the config, class names, label mapping and threshold in metadata_props', () => {
    const model = createUNet({ baseChannels: 2, depth: 1, classNames: ['cell', 'membrane'] });
    model.metadata = { labelMapping: { values: [255, 0] }, threshold: 0.8 };
    const decoded = onnx.ModelProto.decode(exportUNetToOnnx(model));
    expect(decoded.opsetImport.map((entry) => Number(entry.version ?? 0))).toEqual([17]);
    const inputType = decoded.graph?.input?.[0]?.type?.tensorType?.shape?.dim ?? [];
    const dims = inputType.map((dim) => dim.dimParam || Number(dim.dimValue));
    expect(dims).toEqual(['batch', 1, 'height', 'width']);
    const props = Object.fromEntries(decoded.metadataProps.map((entry) => [entry.key, JSON.parse(entry.value ?? '')]));
    expect(props[metadataKeys.config]).toEqual(model.config);
    expect(props[metadataKeys.classNames]).toEqual(['cell', 'membrane']);
    expect(props[metadataKeys.labelMapping]).toEqual({ values: [255, 0] });
    expect(props[metadataKeys.threshold]).toBe(0.8);
    model.dispose();
  });
});
