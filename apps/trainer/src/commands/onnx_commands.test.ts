import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePng } from '@unet/data/node';
import { exportOpset } from '@unet/onnx';
import { afterAll, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '..', '..', 'dist', 'cli.js');
const repositoryRoot = path.resolve(here, '..', '..', '..', '..');
const shippedModel = path.join(repositoryRoot, 'models', 'dic-hela');
const torchFixture = path.join(repositoryRoot, 'packages', 'onnx', 'src', '__fixtures__', 'torch', 'padded-bias-depth-3.onnx');
const work = mkdtempSync(path.join(tmpdir(), 'unet-onnx-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

function unet(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

describe('unet export --onnx and unet import', () => {
  it('exports a shipped model, checked in ONNX Runtime, and imports it back to the same weights.bin', async () => {
    const file = path.join(work, 'dic.onnx');
    const exported = await unet('export', '--onnx', file, '--model', shippedModel);
    expect(exported.code, exported.stderr).toBe(0);
    const difference = Number(/max abs difference ([0-9.e+-]+) on probabilities/.exec(exported.stdout)?.[1]);
    expect(difference).toBeLessThan(1e-4);
    const imported = await unet('import', '--onnx', file, '--out', path.join(work, 'dic-back'));
    expect(imported.code, imported.stderr).toBe(0);
    expect(readFileSync(path.join(work, 'dic-back', 'weights.bin')).equals(readFileSync(path.join(shippedModel, 'weights.bin')))).toBe(
      true,
    );
    const metadata = JSON.parse(readFileSync(path.join(work, 'dic-back', 'model.json'), 'utf8')).userDefinedMetadata.unet;
    expect(metadata.extra.labelMapping).toEqual({ values: [0, 255] });
  });

  it("imports PyTorch's export and reports the config it found", async () => {
    const run = await unet('import', '--onnx', torchFixture, '--out', path.join(work, 'torch'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/base 2, depth 3, same, normalization none, bias true, transposed up-sampling/);
  });

  it('ends a file that is not ONNX, a truncated one and a model.json in one line, exit code 1', async () => {
    const garbage = path.join(work, 'garbage.onnx');
    writeFileSync(garbage, 'not a model at all\n');
    const truncated = path.join(work, 'truncated.onnx');
    writeFileSync(truncated, readFileSync(torchFixture).subarray(0, 5000));
    for (const [file, pattern] of [
      [garbage, /garbage\.onnx is not an ONNX model/],
      [truncated, /truncated\.onnx is not an ONNX model, or it is truncated/],
      [path.join(shippedModel, 'model.json'), /model\.json is not an ONNX model/],
    ] as const) {
      const run = await unet('import', '--onnx', file, '--out', path.join(work, 'nothing'));
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(pattern);
    }
  });

  it("names the opset that the export writes in unet export's help", async () => {
    const run = await unet('export', '--help');
    expect(run.stdout).toContain(`as ONNX (opset ${exportOpset})`);
  });

  it('asks for --model with --onnx', async () => {
    const run = await unet('export', '--onnx', path.join(work, 'x.onnx'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--onnx FILE and --model DIR go together/);
  });
});

describe('unet predict --engine onnxruntime', () => {
  it("writes the tfjs engine's mask and probabilities, with TTA", async () => {
    const image = path.join(work, 'cells.png');
    const width = 80;
    const height = 56;
    const data = new Uint8Array(width * height).map(
      (_, index) => 128 + Math.round(100 * Math.sin(index * 0.05) * Math.cos((index % width) * 0.21)),
    );
    writeFileSync(image, encodePng({ width, height, channels: 1, data }));
    const outputs: string[] = [];
    for (const engine of ['tfjs', 'onnxruntime']) {
      const out = path.join(work, `predicted-${engine}`);
      const run = await unet('predict', '--model', shippedModel, image, '--out', out, '--tta', '--engine', engine, '--backend', 'wasm');
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(engine === 'tfjs' ? 'on wasm' : 'on onnxruntime-node 1.30.0 (cpu)');
      outputs.push(out);
    }
    expect(readFileSync(path.join(outputs[1], 'cells.png')).equals(readFileSync(path.join(outputs[0], 'cells.png')))).toBe(true);
  });

  it('names the engines when given another', async () => {
    const run = await unet('predict', '--model', shippedModel, 'x.png', '--out', work, '--engine', 'tensorrt');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--engine tensorrt: use tfjs or onnxruntime/);
  });
});
