/**
 * The demo's ONNX path in headless Debian chromium (as demo.browser.test.ts: playwright-core
 * drives /usr/bin/chromium on the built app, served by Vite's preview server):
 * - an .onnx file that @unet/onnx exported in the test (a tiny U-Net with class names, label
 *   mapping, threshold and inference tile in metadata_props), opened with "Open an ONNX model…",
 *   segments in onnxruntime-web (wasm: headless chromium's navigator.gpu gives no adapter, and the
 *   page says so) over 2 x 2 tiles, and its probabilities are Node's segmentImage of the same
 *   model on tfjs's cpu backend within 1e-4, its mask equal, cut at the saved threshold and
 *   downloaded in the saved label values;
 * - a committed PyTorch export (no metadata_props), dropped on the page, does the same against
 *   Node's import of the same file;
 * - a truncated file and a graph that is not a U-Net each end in one line, `unet import`'s message.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { createUNet, modelMetadata, presetConfig, type UNet } from '@unet/model';
import { labelsFromProbabilities, segmentImage } from '@unet/inference';
import { decodeOnnxModel, exportUNetToOnnx, unetFromOnnx } from '@unet/onnx';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { browserPort } from '@unet/test-utils';
import sharp from 'sharp';
import { type PreviewServer, build, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`onnx.browser.test: skipped, ${CHROMIUM} is absent; install it with \`apt-get update && apt-get install -y chromium\``);
}

const demoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const samples = path.join(demoRoot, 'public', 'samples');
const SAMPLE = 'isbi-train-03-small.png';
const torchFixture = path.resolve(demoRoot, '..', '..', 'packages', 'onnx', 'src', '__fixtures__', 'torch', 'small-narrow.onnx');

interface PageResult {
  name: string;
  height: number;
  width: number;
  classes: number;
  tiles: number;
  backend: string;
  labels: number[];
}

type DemoWindow = Window & {
  unetDemo: { lastResult(): PageResult | null; lastProbabilities(): number[] | null };
};

/** The sample in [0, 1] as the page reads it: one gray channel, value / 255. */
async function readGray(file: string) {
  const { data, info } = await sharp(file).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data: Float32Array.from(data, (value) => value / 255), height: info.height, width: info.width, channels: 1 };
}

/** Node's answer for `model`: @unet/inference's segmentImage on tfjs's cpu backend, cut as the page cuts. */
async function nodeSegmentation(model: UNet, image: Awaited<ReturnType<typeof readGray>>) {
  const { inferenceTile, threshold } = modelMetadata(model);
  const result = await segmentImage(model, image, { outputTileSize: inferenceTile });
  return {
    ...result,
    labels: labelsFromProbabilities(result.probabilities, result.height, result.width, result.classes, { threshold }),
  };
}

function maxAbsoluteDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let largest = 0;
  for (let index = 0; index < a.length; index++) largest = Math.max(largest, Math.abs(a[index] - b[index]));
  return largest;
}

/** The error a file gives in Node: what `unet import` prints after its "unet import: ". */
function importError(bytes: Uint8Array, name: string): string {
  try {
    unetFromOnnx(bytes, name).dispose();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${name} imported in Node; the test needs a file that does not`);
}

describe.skipIf(!hasChromium)('the demo opens .onnx models in headless chromium', () => {
  let workFolder: string;
  let server: PreviewServer;
  let context: BrowserContext;
  let page: Page;
  let exportedFile: string;
  let exportedModel: UNet;

  beforeAll(async () => {
    workFolder = mkdtempSync(path.join(os.tmpdir(), 'unet-demo-onnx-test-'));
    const outDir = path.join(workFolder, 'site');
    await build({ root: demoRoot, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    // The page starts on no shipped model: the test is about the files it is given.
    writeFileSync(path.join(outDir, 'models', 'manifest.json'), '[]');

    await tf.setBackend('cpu');
    // A tiny padded U-Net (seed 3); 64-pixel tiles make the 128 x 128 sample 2 x 2 tiles.
    exportedModel = createUNet(presetConfig('small', { baseChannels: 4, depth: 2, seed: 3 }));
    exportedModel.metadata = { classNames: ['background', 'cell'], labelMapping: { values: [0, 200] }, threshold: 0.45, inferenceTile: 64 };
    exportedFile = path.join(workFolder, 'tiny-unet.onnx');
    writeFileSync(exportedFile, exportUNetToOnnx(exportedModel));

    server = await preview({
      root: demoRoot,
      logLevel: 'warn',
      build: { outDir },
      preview: { host: '127.0.0.1', port: browserPort(4800, 500), strictPort: false },
    });
    const url = server.resolvedUrls?.local[0] ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    context = await chromium.launchPersistentContext(path.join(workFolder, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
      args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => console.error('page error:', error.message));
    // wasm: the page's own backend does not matter here (the .onnx model runs in ONNX Runtime),
    // and SwiftShader's WebGL would only slow the start.
    await page.goto(`${url}?backend=wasm`);
    await waitForStatus('ready');
  });

  afterAll(async () => {
    exportedModel?.dispose();
    await context?.close();
    await server?.close();
    if (workFolder !== undefined) rmSync(workFolder, { recursive: true, force: true });
  });

  const waitForStatus = (wanted: string) =>
    page.waitForFunction((value) => document.body.dataset.status === value || document.body.dataset.status === 'error', wanted, {
      timeout: 120_000,
    });
  /** Marks the status as not yet reached, so that waitForStatus waits for the next action's. */
  const resetStatus = () => page.evaluate(() => (document.body.dataset.status = 'waiting for the test'));
  const statusText = async () => (await page.locator('#status').textContent()) ?? '';
  const pageResult = () =>
    page.evaluate(() => {
      const demo = (window as unknown as DemoWindow).unetDemo;
      return { result: demo.lastResult(), probabilities: demo.lastProbabilities() };
    });

  it("segments with an exported .onnx file in onnxruntime-web, as Node's forward does, with the model's metadata", async () => {
    await resetStatus();
    await page.setInputFiles('#onnx-file', exportedFile);
    await waitForStatus('ready');
    expect(await statusText()).toBe('Model ready: tiny-unet.onnx.');
    expect(await page.locator('#model-info').textContent()).toMatch(
      /^ONNX, segments in onnxruntime-web: 4-channel base, depth 2.*class 1 at probability >= 0.45$/,
    );

    await resetStatus();
    await page.click(`button[data-sample="${SAMPLE}"]`);
    await waitForStatus('segmented');
    const status = await statusText();
    expect(status).toMatch(/^isbi-train-03-small\.png: 128 x 128 pixels in [\d.]+ s on onnxruntime-web 1\.30\.0 (wasm|webgpu) \(4 tiles/);
    // Headless chromium has navigator.gpu but no adapter: the page says why it is not WebGPU.
    if (status.includes(' wasm '))
      expect(status).toMatch(/webgpu skipped: (navigator\.gpu gives no adapter|this browser has no navigator\.gpu)/);

    const { result, probabilities } = await pageResult();
    const node = await nodeSegmentation(exportedModel, await readGray(path.join(samples, SAMPLE)));
    const difference = maxAbsoluteDifference(probabilities ?? [], node.probabilities);
    console.log(`exported .onnx in onnxruntime-web vs Node (tfjs cpu): probabilities max abs ${difference.toExponential(2)}`);
    expect(result).toMatchObject({ height: 128, width: 128, classes: 2, tiles: 4 });
    expect(difference).toBeLessThan(1e-4);
    expect(result?.labels).toEqual(Array.from(node.labels));
    // The saved threshold cuts: the mask differs from the argmax's somewhere, or the check proves nothing.
    const argmax = labelsFromProbabilities(node.probabilities, node.height, node.width, node.classes);
    expect(Array.from(argmax)).not.toEqual(Array.from(node.labels));

    // The mask file holds the saved label values (class 1 as 200).
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-mask')]);
    const file = path.join(workFolder, 'mask.png');
    await download.saveAs(file);
    const { data } = await sharp(file).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    expect(Array.from(data)).toEqual(Array.from(node.labels, (label) => [0, 200][label]));
  });

  it("segments with a PyTorch export that has no metadata_props, dropped on the page, as Node's import of it does", async () => {
    const bytes = readFileSync(torchFixture);
    await resetStatus();
    await page.evaluate(
      ({ values }) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(values)], 'small-narrow.onnx'));
        document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true }));
      },
      { values: Array.from(bytes) },
    );
    await waitForStatus('segmented');
    expect(await page.evaluate(() => document.body.dataset.status)).toBe('segmented');
    expect(await statusText()).toMatch(/ on onnxruntime-web 1\.30\.0 (wasm|webgpu) /);
    expect(await page.locator('#model-select option:checked').textContent()).toBe('small-narrow.onnx (ONNX, onnxruntime-web)');

    const imported = unetFromOnnx(bytes, 'small-narrow.onnx');
    const node = await nodeSegmentation(imported, await readGray(path.join(samples, SAMPLE)));
    imported.dispose();
    const { result, probabilities } = await pageResult();
    const difference = maxAbsoluteDifference(probabilities ?? [], node.probabilities);
    console.log(`PyTorch .onnx in onnxruntime-web vs Node (its import, tfjs cpu): probabilities max abs ${difference.toExponential(2)}`);
    expect(result).toMatchObject({ name: SAMPLE, height: 128, width: 128, classes: node.classes });
    expect(difference).toBeLessThan(1e-4);
    expect(result?.labels).toEqual(Array.from(node.labels));
  });

  it("ends a truncated file and a graph that is not a U-Net in one line, unet import's message", async () => {
    const truncated = readFileSync(exportedFile).subarray(0, 3000);
    // Our export with its first pooling made an average: the graph reader must name that node.
    const proto = decodeOnnxModel(readFileSync(exportedFile), 'not-a-unet.onnx');
    const pool = proto.graph?.node?.find((node) => node.opType === 'MaxPool');
    if (pool === undefined || pool === null) throw new Error('the exported graph has no MaxPool');
    pool.opType = 'AveragePool';
    const notUNet = (proto.constructor as unknown as { encode(message: unknown): { finish(): Uint8Array } }).encode(proto).finish();
    for (const [name, bytes] of [
      ['truncated.onnx', truncated],
      ['not-a-unet.onnx', notUNet],
    ] as const) {
      const expected = importError(bytes, name);
      const file = path.join(workFolder, name);
      writeFileSync(file, bytes);
      await resetStatus();
      await page.setInputFiles('#onnx-file', file);
      await waitForStatus('error');
      const shown = await statusText();
      console.log(`${name}: ${shown}`);
      expect(shown).toBe(`Error: ${expected}`);
      expect(shown).not.toContain('\n');
    }
    expect(importError(truncated, 'truncated.onnx')).toMatch(/^truncated\.onnx is not an ONNX model, or it is truncated: /);
    expect(importError(notUNet, 'not-a-unet.onnx')).toMatch(/^not-a-unet\.onnx: node /);
  });
});
