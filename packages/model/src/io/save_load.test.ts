import * as tf from '@tensorflow/tfjs-core';
import '@unet/core/register-gradients';
import { describeWithBackends } from '@unet/test-utils';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFormatError, WeightMismatchError } from '../errors.js';
import { fileSystem } from '../node/file_system_handler.js';
import '../node/index.js';
import { presetConfig } from '../presets.js';
import { createUNet, type UNet } from '../unet.js';
import { loadUNet, saveUNet } from './save_load.js';

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'unet-model-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function smallModel(seed = 21): UNet {
  return createUNet(presetConfig('small', { baseChannels: 4, seed, classNames: ['background', 'cell'] }));
}

function expectSameWeights(a: UNet, b: UNet): void {
  const left = a.namedWeights();
  const right = b.namedWeights();
  expect(right.map((weight) => weight.name)).toEqual(left.map((weight) => weight.name));
  for (const [index, weight] of left.entries()) {
    // Bit-exact: compare the raw float32 words.
    expect(Buffer.from(right[index].variable.dataSync().buffer)).toEqual(Buffer.from(weight.variable.dataSync().buffer));
  }
}

describeWithBackends('saveUNet and loadUNet', (backend) => {
  it('round-trip every weight bit-exactly through a folder, with config and metadata', async () => {
    const model = smallModel();
    // Non-trivial batch norm statistics, so that the non-trainable weights are checked too.
    tf.dispose(model.apply(tf.randomNormal([1, 16, 16, 1], 0, 1, 'float32', 1) as tf.Tensor4D, { training: true }));
    model.metadata = { labelValues: [0, 255] };
    const target = path.join(folder, `round-trip-${backend}`);
    await saveUNet(model, fileSystem(target));
    const loaded = await loadUNet(`file://${target}`);
    expect(loaded.config).toEqual(model.config);
    expect(loaded.metadata).toEqual({ labelValues: [0, 255] });
    expectSameWeights(model, loaded);
    const input = tf.randomNormal([1, 32, 32, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
    expect(loaded.apply(input).dataSync()).toEqual(model.apply(input).dataSync());
    tf.dispose(input);
    model.dispose();
    loaded.dispose();
  });
});

describe('a saved model', () => {
  let target: string;
  let model: UNet;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    model = smallModel(5);
    target = path.join(folder, 'shared');
    await saveUNet(model, `file://${target}`);
  });
  afterAll(() => model.dispose());

  it('writes model.json in the TensorFlow.js format with a weights manifest', async () => {
    const json = JSON.parse(await readFile(path.join(target, 'model.json'), 'utf8'));
    expect(json.format).toBe('unet-ts');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.weightsManifest[0].weights[0]).toMatchObject({ name: 'down0/conv1/kernel', shape: [3, 3, 1, 4], dtype: 'float32' });
    expect(json.userDefinedMetadata.unet.config.classNames).toEqual(['background', 'cell']);
  });

  it('loads in a fresh Node process to the same output', async () => {
    const input = tf.tidy(() => tf.reshape(tf.div(tf.range(0, 256), 255), [1, 16, 16, 1]) as tf.Tensor4D);
    const expected = Array.from(model.apply(input).dataSync());
    input.dispose();
    const script = `
      import * as tf from '@tensorflow/tfjs-core';
      import '@tensorflow/tfjs-backend-cpu';
      import { loadUNet } from '@unet/model';
      import '@unet/model/node';
      await tf.setBackend('cpu');
      const model = await loadUNet('file://' + process.argv[1]);
      const input = tf.reshape(tf.div(tf.range(0, 256), 255), [1, 16, 16, 1]);
      process.stdout.write(JSON.stringify(Array.from(model.apply(input).dataSync())));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, target], {
      cwd: packageRoot,
    });
    expect(JSON.parse(stdout)).toEqual(expected);
  }, 60_000);

  it('loads over http (tfjs http handler) to the same weights', async () => {
    const server: Server = createServer(async (request, response) => {
      try {
        response.end(await readFile(path.join(target, path.basename(request.url ?? ''))));
      } catch {
        response.statusCode = 404;
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const loaded = await loadUNet(`http://127.0.0.1:${port}/model.json`);
      expectSameWeights(model, loaded);
      loaded.dispose();
    } finally {
      server.close();
    }
  });

  it('fails to load with a misshapen weight, naming the weight', async () => {
    const broken = path.join(folder, 'misshapen');
    await saveUNet(model, fileSystem(broken));
    const file = path.join(broken, 'model.json');
    const json = JSON.parse(await readFile(file, 'utf8'));
    const spec = json.weightsManifest[0].weights.find((weight: { name: string }) => weight.name === 'head/kernel');
    spec.shape = [1, 1, 2, 4]; // same size, wrong shape
    await writeFile(file, JSON.stringify(json));
    await expect(loadUNet(fileSystem(broken))).rejects.toThrow(WeightMismatchError);
    await expect(loadUNet(fileSystem(broken))).rejects.toThrow(/'head\/kernel' has shape \[1,1,2,4\].*needs \[1,1,4,2\]/);
  });

  it('fails to load with a missing weight, naming it', async () => {
    const broken = path.join(folder, 'missing');
    const other = createUNet(presetConfig('small', { baseChannels: 4, convolutionBias: true }));
    await saveUNet(other, fileSystem(broken));
    other.dispose();
    const file = path.join(broken, 'model.json');
    const json = JSON.parse(await readFile(file, 'utf8'));
    json.userDefinedMetadata.unet.config.convolutionBias = false; // the file now has extra biases
    await writeFile(file, JSON.stringify(json));
    await expect(loadUNet(fileSystem(broken))).rejects.toThrow(/weights this network does not: down0\/conv1\/bias/);
    json.userDefinedMetadata.unet.config.convolutionBias = true;
    json.userDefinedMetadata.unet.config.depth = 5;
    await writeFile(file, JSON.stringify(json));
    await expect(loadUNet(fileSystem(broken))).rejects.toThrow(/has no weight 'down5\/conv1\/kernel'/);
  });

  it('fails clearly on a folder without a model, and on truncated weights', async () => {
    await expect(loadUNet(fileSystem(path.join(folder, 'nothing-here')))).rejects.toThrow(/Cannot read .*model\.json/);
    const truncated = path.join(folder, 'truncated');
    await saveUNet(model, fileSystem(truncated));
    const weights = await readFile(path.join(truncated, 'weights.bin'));
    await writeFile(path.join(truncated, 'weights.bin'), weights.subarray(0, 100));
    await expect(loadUNet(fileSystem(truncated))).rejects.toThrow(/truncated/);
  });

  it('refuses a tfjs model that is not a U-Net', async () => {
    const notOurs = path.join(folder, 'not-ours');
    await fileSystem(notOurs).save!({ weightSpecs: [], weightData: new ArrayBuffer(0), format: 'layers-model' });
    await expect(loadUNet(fileSystem(notOurs))).rejects.toThrow(ModelFormatError);
  });
});
