/**
 * The demo on WebGPU in headless Debian chromium (as demo.browser.test.ts: playwright-core drives
 * /usr/bin/chromium on the built app, served by Vite's preview server). With
 * --enable-unsafe-webgpu and SwiftShader's adapter, ?backend=webgpu starts webgpu in the page
 * and the segmentation worker, and:
 * - the worker reports @unet/backend-webgpu's kernels as the ones tfjs runs for 'webgpu' (read
 *   from tfjs's kernel registry there), and the page says so;
 * - a tiny U-Net (small preset, base 4, depth 2, seed 3) segments the 128 x 128 sample over
 *   2 x 2 tiles, and its probabilities are Node's segmentImage of the same model on tfjs's cpu
 *   backend within 1e-4 (as onnx.browser.test.ts), its mask (cut at a saved threshold in the
 *   widest gap between Node's class-1 probabilities) equal;
 * - 3 steps of the training panel run in the training worker, which reports webgpu with those
 *   kernels, and give finite losses.
 * Where this chromium gives no WebGPU adapter, the suite is skipped and says why.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { createUNet, presetConfig, saveUNet, type UNet } from '@unet/model';
import { fileSystem } from '@unet/model/node';
import { labelsFromProbabilities, segmentImage } from '@unet/inference';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { browserPort } from '@unet/test-utils';
import sharp from 'sharp';
import { type PreviewServer, build, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const demoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const samples = path.join(demoRoot, 'public', 'samples');
const SAMPLE = 'isbi-train-03-small.png';
// SwiftShader's Vulkan as the WebGPU adapter: headless chromium has no other here.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Why this chromium cannot run the suite, or undefined when it has a WebGPU adapter. */
async function missingWebGPU(): Promise<string | undefined> {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is absent; install it with \`apt-get update && apt-get install -y chromium\``;
  // navigator.gpu exists only in a secure context: a page from 127.0.0.1, not about:blank.
  const server = http.createServer((_request, response) => response.end('<!doctype html><title>probe</title>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return await page.evaluate(async () => {
      const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      if (gpu === undefined) return 'this chromium has no navigator.gpu';
      return (await gpu.requestAdapter()) === null ? 'navigator.gpu gives no adapter in headless chromium here' : undefined;
    });
  } finally {
    await browser.close();
    server.close();
  }
}

const missing = await missingWebGPU();
if (missing !== undefined) console.warn(`webgpu.browser.test: skipped, ${missing}`);

interface PageResult {
  height: number;
  width: number;
  classes: number;
  tiles: number;
  backend: string;
  kernels?: string;
  labels: number[];
}

type DemoWindow = Window & {
  unetDemo: { lastResult(): PageResult | null; lastProbabilities(): number[] | null; losses(): number[] };
};

/** The sample in [0, 1] as the page reads it: one gray channel, value / 255. */
async function readGray(file: string) {
  const { data, info } = await sharp(file).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data: Float32Array.from(data, (value) => value / 255), height: info.height, width: info.width, channels: 1 };
}

function maxAbsoluteDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let largest = 0;
  for (let index = 0; index < a.length; index++) largest = Math.max(largest, Math.abs(a[index] - b[index]));
  return largest;
}

describe.skipIf(missing !== undefined)('the demo on WebGPU in headless chromium', () => {
  let workFolder: string;
  let server: PreviewServer;
  let context: BrowserContext;
  let page: Page;
  let model: UNet;
  let node: Awaited<ReturnType<typeof segmentImage>> & { labels: Int32Array };
  /** How far the saved threshold lies from every class-1 probability of Node's. */
  let margin: number;

  beforeAll(async () => {
    workFolder = mkdtempSync(path.join(os.tmpdir(), 'unet-demo-webgpu-test-'));
    const outDir = path.join(workFolder, 'site');
    await build({ root: demoRoot, logLevel: 'warn', build: { outDir, emptyOutDir: true } });

    // A tiny U-Net (seed 3), shipped through the manifest as the page's default model; 64-pixel
    // tiles make the 128 x 128 sample 2 x 2 tiles.
    await tf.setBackend('cpu');
    model = createUNet(presetConfig('small', { baseChannels: 4, depth: 2, seed: 3 }));
    model.metadata = { classNames: ['background', 'cell'], inferenceTile: 64 };
    // Node's answer, on tfjs's cpu backend. Untrained, the argmax is one class everywhere: the
    // saved threshold splits the mask, in the widest gap between class 1's probabilities in
    // their middle half, so that a pixel's label flips only past half that gap.
    const result = await segmentImage(model, await readGray(path.join(samples, SAMPLE)), { outputTileSize: 64 });
    const cell = result.probabilities.filter((_, index) => index % result.classes === 1).sort();
    let widest = cell.length >> 2;
    for (let index = widest; index < (3 * cell.length) >> 2; index++)
      if (cell[index] - cell[index - 1] > cell[widest] - cell[widest - 1]) widest = index;
    const threshold = (cell[widest] + cell[widest - 1]) / 2;
    margin = (cell[widest] - cell[widest - 1]) / 2;
    model.metadata = { ...model.metadata, threshold };
    node = { ...result, labels: labelsFromProbabilities(result.probabilities, result.height, result.width, result.classes, { threshold }) };
    const modelFolder = path.join(outDir, 'models', 'tiny');
    mkdirSync(modelFolder, { recursive: true });
    await saveUNet(model, fileSystem(modelFolder));
    writeFileSync(path.join(outDir, 'models', 'manifest.json'), JSON.stringify([{ name: 'tiny', label: 'Tiny U-Net (seed 3)' }]));

    server = await preview({
      root: demoRoot,
      logLevel: 'warn',
      build: { outDir },
      preview: { host: '127.0.0.1', port: browserPort(5300, 500), strictPort: false },
    });
    const url = server.resolvedUrls?.local[0] ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    context = await chromium.launchPersistentContext(path.join(workFolder, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await page.goto(`${url}?backend=webgpu`);
    await waitForStatus('ready');
  });

  afterAll(async () => {
    model?.dispose();
    await context?.close();
    await server?.close();
    if (workFolder !== undefined) rmSync(workFolder, { recursive: true, force: true });
  });

  const waitForStatus = (wanted: string) =>
    page.waitForFunction((value) => document.body.dataset.status === value || document.body.dataset.status === 'error', wanted, {
      timeout: 120_000,
    });
  const statusText = async () => (await page.locator('#status').textContent()) ?? '';

  it("segments on webgpu with @unet/backend-webgpu's kernels, as Node's cpu forward does", async () => {
    expect(await page.evaluate(() => document.body.dataset.status), await statusText()).toBe('ready');
    expect(await page.locator('#backend-name').textContent()).toBe("webgpu (@unet/backend-webgpu's kernels)");

    await page.evaluate(() => (document.body.dataset.status = 'waiting for the test'));
    await page.click(`button[data-sample="${SAMPLE}"]`);
    await waitForStatus('segmented');
    const status = await statusText();
    expect(status).toMatch(
      /^isbi-train-03-small\.png: 128 x 128 pixels in [\d.]+ s on webgpu with @unet\/backend-webgpu's kernels \(4 tiles\)\.$/,
    );

    const { result, probabilities } = await page.evaluate(() => {
      const demo = (window as unknown as DemoWindow).unetDemo;
      return { result: demo.lastResult(), probabilities: demo.lastProbabilities() };
    });
    // What the worker read from tfjs's kernel registry, not what the page asked for.
    expect(result).toMatchObject({ height: 128, width: 128, classes: 2, tiles: 4, backend: 'webgpu', kernels: '@unet/backend-webgpu' });

    const difference = maxAbsoluteDifference(probabilities ?? [], node.probabilities);
    console.log(`webgpu (@unet/backend-webgpu) in chromium vs Node (tfjs cpu): probabilities max abs ${difference.toExponential(2)}`);
    expect(difference).toBeLessThan(1e-4);
    console.log(`threshold margin ${margin.toExponential(2)}`);
    // Past the margin a pixel's label may differ for numerics alone, and the mask check would say nothing useful.
    expect(margin).toBeGreaterThan(difference);
    expect(result?.labels).toEqual(Array.from(node.labels));
    // Both classes in the mask, or equal masks prove little.
    expect(new Set(node.labels).size).toBe(2);
  });

  it("trains in the training worker on webgpu with @unet/backend-webgpu's kernels", async () => {
    await page.fill('#train-steps', '3');
    await page.fill('#train-tile', '64');
    await page.fill('#train-batch', '1');
    await page.click('#train-start');
    await page.waitForFunction(() => document.body.dataset.training === 'done' || document.body.dataset.training === 'error', undefined, {
      timeout: 120_000,
    });
    // The training worker's own report of its backend and kernels (train_worker.ts's 'started').
    expect(await page.locator('#train-status').textContent()).toMatch(
      /^Trained 3 steps in [\d.]+ s on webgpu with @unet\/backend-webgpu's kernels, in a worker: loss \d/,
    );
    const losses = await page.evaluate(() => (window as unknown as DemoWindow).unetDemo.losses());
    console.log(`webgpu training panel: loss ${losses.map((loss) => loss.toFixed(3)).join(' ')}`);
    expect(losses).toHaveLength(3);
    for (const loss of losses) expect(Number.isFinite(loss) && loss > 0).toBe(true);
  });
});
