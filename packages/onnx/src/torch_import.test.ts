import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { transposeArray } from './transpose_array.js';
import { unetFromOnnx } from './import_graph.js';

// Made by scripts/make_torch_fixtures.py from ../shared/bench/torch_unet.py (PyTorch 1.13);
// UNET_TORCH_FIXTURES names another folder it wrote (--presets: the full presets, too large to commit).
const here = path.dirname(fileURLToPath(import.meta.url));
const folders = [path.join(here, '__fixtures__', 'torch'), ...(process.env.UNET_TORCH_FIXTURES ? [process.env.UNET_TORCH_FIXTURES] : [])];

interface Fixture {
  name: string;
  inputShape: [number, number, number, number];
  outputShape: [number, number, number, number];
  config: Record<string, unknown>;
}

function readFloats(file: string): Float32Array {
  const bytes = readFileSync(file);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

// wasm: the full presets (UNET_TORCH_FIXTURES) take seconds there, minutes on the cpu backend.
beforeAll(async () => {
  await tf.setBackend('wasm');
});

for (const folder of folders) {
  const manifest = path.join(folder, 'manifest.json');
  const fixtures: Fixture[] = existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')) : [];
  describe(`import of PyTorch's ONNX export (${path.relative(here, folder) || folder})`, () => {
    if (fixtures.length === 0) it.skip(`${manifest} is absent`, () => {});
    for (const fixture of fixtures) {
      it(`${fixture.name}: finds the config and gives PyTorch's logits within 1e-4`, { timeout: 300_000 }, () => {
        const file = path.join(folder, `${fixture.name}.onnx`);
        const model = unetFromOnnx(readFileSync(file), file);
        expect(model.config).toMatchObject(fixture.config);
        const input = transposeArray(readFloats(path.join(folder, `${fixture.name}.input.bin`)), fixture.inputShape, [0, 2, 3, 1]);
        const expected = transposeArray(readFloats(path.join(folder, `${fixture.name}.output.bin`)), fixture.outputShape, [0, 2, 3, 1]);
        const logits = tf.tidy(() => model.apply(tf.tensor4d(input.values, input.shape as [number, number, number, number])));
        expect(logits.shape).toEqual(expected.shape);
        const ours = logits.dataSync();
        let difference = 0;
        let largest = 0;
        for (let i = 0; i < ours.length; i++) {
          difference = Math.max(difference, Math.abs(ours[i] - expected.values[i]));
          largest = Math.max(largest, Math.abs(expected.values[i]));
        }
        console.log(
          `import vs PyTorch, ${fixture.name}: max abs ${difference.toExponential(2)} on logits (largest |logit| ${largest.toFixed(2)})`,
        );
        expect(difference).toBeLessThan(1e-4);
        logits.dispose();
        model.dispose();
      });
    }
  });
}
