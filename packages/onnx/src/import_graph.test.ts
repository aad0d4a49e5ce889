import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createUNet, type UNetConfig } from '@unet/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { OnnxFormatError, OnnxGraphError } from './errors.js';
import { exportUNetToOnnx } from './export_graph.js';
import { unetFromOnnx } from './import_graph.js';
import { onnx, type OnnxTypes } from './onnx_proto.js';
import { floatTensorProto } from './tensor_proto.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function randomisedUNet(config: Partial<UNetConfig>) {
  const model = createUNet(config);
  // Biases and batch norm statistics start at 0 and 1: random values show a mix-up.
  model.namedWeights().forEach(({ variable }, index) => {
    if (variable.shape.length === 1) variable.assign(tf.randomUniform(variable.shape, 0.2, 1.5, 'float32', index + 3));
  });
  return model;
}

describe('ours -> ONNX -> ours', () => {
  const variants: Partial<UNetConfig>[] = [
    { baseChannels: 4, depth: 2, seed: 3, classNames: ['background', 'cell'] },
    { baseChannels: 4, depth: 2, padding: 'same', normalization: 'batch', convolutionBias: false, dropout: 0 },
    { baseChannels: 2, depth: 3, upSampling: 'bilinear', normalization: 'batch', inputChannels: 3, classes: 4 },
  ];
  for (const config of variants) {
    it(`gives bit-identical weights, the same config and metadata (${JSON.stringify(config)})`, () => {
      const model = randomisedUNet(config);
      model.metadata = { labelMapping: { values: [0, 255] }, inferenceTile: 64 };
      const imported = unetFromOnnx(exportUNetToOnnx(model), 'memory.onnx');
      expect(imported.config).toEqual(model.config);
      expect(imported.metadata).toEqual(model.metadata);
      const original = model.namedWeights();
      const roundTripped = new Map(imported.namedWeights().map(({ name, variable }) => [name, variable]));
      expect([...roundTripped.keys()]).toEqual(original.map(({ name }) => name));
      for (const { name, variable } of original) {
        const before = Buffer.from((variable.dataSync() as Float32Array).buffer);
        const back = roundTripped.get(name);
        if (back === undefined) throw new Error(`the import lost ${name}`);
        const after = Buffer.from((back.dataSync() as Float32Array).buffer);
        expect(after.equals(before), name).toBe(true);
      }
      model.dispose();
      imported.dispose();
    });
  }
});

function oneLine(error: unknown): string {
  expect(error).toBeInstanceOf(Error);
  const message = (error as Error).message;
  expect(message).not.toContain('\n');
  return message;
}

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

/** A hand-made ONNX model: input 'x' [1, 1, 8, 8], the given nodes, output 'y'. */
function handMadeModel(nodes: OnnxTypes.INodeProto[], initializers: OnnxTypes.ITensorProto[]): Uint8Array {
  const info = (name: string) => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 1 }, { dimValue: 8 }, { dimValue: 8 }] } } },
  });
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'not-a-unet', node: nodes, initializer: initializers, input: [info('x')], output: [info('y')] },
  }).finish();
}

const kernel = (name: string, out: number, inChannels: number) =>
  floatTensorProto(name, { values: new Float32Array(out * inChannels * 9).fill(0.1), shape: [out, inChannels, 3, 3] });
const conv = (name: string, input: string, weight: string): OnnxTypes.INodeProto => ({
  opType: 'Conv',
  name,
  input: [input, weight],
  output: [`${name}_out`],
  attribute: [{ name: 'pads', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 1, 1, 1] }],
});
const relu = (name: string, input: string): OnnxTypes.INodeProto => ({ opType: 'Relu', name, input: [input], output: [`${name}_out`] });

describe('a graph from elsewhere', () => {
  it('takes class names from metadata_props where they are a JSON list of the right length, and ignores them otherwise', () => {
    const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'torch', 'paper-narrow.onnx');
    const withProps = (value: string) => {
      const decoded = onnx.ModelProto.decode(readFileSync(file));
      decoded.metadataProps = [onnx.StringStringEntryProto.create({ key: 'class_names', value })];
      return onnx.ModelProto.encode(decoded).finish();
    };
    const named = unetFromOnnx(withProps('["cell", "membrane"]'), 'named.onnx');
    expect(named.config.classNames).toEqual(['cell', 'membrane']);
    expect(named.config.dropout).toBe(0);
    expect(named.metadata).toMatchObject({ importedFrom: { file: 'named.onnx', producer: 'pytorch 1.13.0', opset: 13 } });
    named.dispose();
    for (const value of ['cell, membrane', '["one"]']) {
      const model = unetFromOnnx(withProps(value), 'odd.onnx');
      expect(model.config.classNames).toBeUndefined();
      model.dispose();
    }
  });
});

describe('bad input: one line that says what is wrong', () => {
  const model = createUNet({ baseChannels: 2, depth: 1 });
  const bytes = exportUNetToOnnx(model);
  model.dispose();

  it('a truncated file', () => {
    const message = oneLine(catchError(() => unetFromOnnx(bytes.subarray(0, Math.floor(bytes.length / 2)), 'cut.onnx')));
    expect(message).toMatch(/^cut\.onnx is not an ONNX model, or it is truncated: /);
  });

  it("words a truncated file the same from Node's Buffer (unet import) as from a Uint8Array (the demo)", () => {
    // protobufjs's Buffer reader stops elsewhere inside a string (a weight's name): cut everywhere.
    const messageOf = (cut: Uint8Array) => {
      try {
        unetFromOnnx(cut, 'cut.onnx').dispose();
        return 'imported (the cut left out only what follows the graph)';
      } catch (error) {
        return (error as Error).message;
      }
    };
    for (let end = 1; end < bytes.length; end += 3) {
      const cut = bytes.subarray(0, end);
      expect(messageOf(Buffer.from(cut)), `cut at ${end} bytes`).toBe(messageOf(Uint8Array.from(cut)));
    }
  });

  it('a file of another format (a PNG, a JSON model)', () => {
    const png = Uint8Array.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 0,
    ]);
    const pngError = catchError(() => unetFromOnnx(png, 'image.png'));
    expect(pngError).toBeInstanceOf(OnnxFormatError);
    expect(oneLine(pngError)).toMatch(/^image\.png is not an ONNX model/);
    const json = new TextEncoder().encode(JSON.stringify({ format: 'unet-ts', weightsManifest: [] }));
    const jsonError = catchError(() => unetFromOnnx(json, 'model.json'));
    expect(jsonError).toBeInstanceOf(OnnxFormatError);
    expect(oneLine(jsonError)).toMatch(/^model\.json is not an ONNX model/);
  });

  it('a graph that starts with something other than a convolution names that node', () => {
    const graph = handMadeModel([{ opType: 'Sigmoid', name: 'squash', input: ['x'], output: ['y'] }], []);
    const error = catchError(() => unetFromOnnx(graph, 'sigmoid.onnx'));
    expect(error).toBeInstanceOf(OnnxGraphError);
    expect(oneLine(error)).toBe(
      "sigmoid.onnx: node 'squash' (Sigmoid) reads 'x' where a 3x3 Conv (the first convolution of level 0, reading the input 'x') was expected",
    );
  });

  it('a classifier (two convolutions, then global pooling) names the node where pooling by 2 was expected', () => {
    const graph = handMadeModel(
      [
        conv('c1', 'x', 'w1'),
        relu('r1', 'c1_out'),
        conv('c2', 'r1_out', 'w2'),
        relu('r2', 'c2_out'),
        { opType: 'GlobalAveragePool', name: 'gap', input: ['r2_out'], output: ['y'] },
      ],
      [kernel('w1', 4, 1), kernel('w2', 4, 4)],
    );
    expect(oneLine(catchError(() => unetFromOnnx(graph, 'classifier.onnx')))).toBe(
      "classifier.onnx: node 'gap' (GlobalAveragePool) follows the first level where a 2x2 MaxPool was expected; a U-Net pools at least once",
    );
  });

  it('a graph whose metadata_props config disagrees with its structure', () => {
    const decoded = onnx.ModelProto.decode(bytes);
    const entry = decoded.metadataProps.find((prop) => prop.key === 'unet_ts.config');
    if (entry === undefined) throw new Error('the export wrote no config');
    entry.value = JSON.stringify({ ...JSON.parse(entry.value ?? '{}'), baseChannels: 8 });
    const message = oneLine(catchError(() => unetFromOnnx(onnx.ModelProto.encode(decoded).finish(), 'edited.onnx')));
    expect(message).toMatch(/^edited\.onnx: metadata_props 'unet_ts.config' says baseChannels 8 but the graph has 2/);
  });
});
