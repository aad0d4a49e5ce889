/**
 * The demo end to end in headless Debian chromium (playwright-core drives /usr/bin/chromium; the
 * CI script installs it with `apt-get install -y chromium`). The app is built into a temporary
 * folder with a fixture model added to its manifest, served by Vite's preview server, and:
 * - picks webgl on its own (WebGPU has no adapter in headless chromium; WebGL is SwiftShader),
 *   segments a bundled ISBI sample, and its mask agrees with @unet/inference's segmentImage of the
 *   same model on the same file in Node (wasm backend), and its downloaded mask PNG with the one
 *   that `unet predict` writes: >= 99% of pixels equal;
 * - the same after switching to wasm; 20 segmentations in a row leave tf.memory() as it was;
 * - the 16-bit TIFF of the same crop, a model folder picked as files, and an image dropped on or
 *   pasted into the page give the same mask;
 * - the downloaded mask PNG holds that mask;
 * - the shipped DIC-HeLa model, chosen from the manifest, segments its sample as Node does and
 *   shows its cells as objects, as many as `unet predict --instances` cuts out;
 * - several dropped images are segmented in turn, with a mask download each and one zip;
 * - segmentation runs in a worker: a timer on the page keeps ticking during it; Cancel stops it midway;
 * - a VOC palette mask keeps its indices;
 * - the training panel's loss falls in a short run (in a worker: the page's tensors stay put), and
 *   its model then segments, and downloaded (model.json + weights.bin) loads again in the page
 *   and in `unet predict`;
 * - a reload loads the shipped model from IndexedDB, without fetching its weights.
 * Screenshots go to test-artifacts/ (git-ignored).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { classChannel, objectInstances } from '@unet/core';
import { vocColourMap } from '@unet/data';
import { createUNet, loadUNet, modelMetadata, presetConfig, saveUNet } from '@unet/model';
import { fileSystem } from '@unet/model/node';
import { labelsFromProbabilities, segmentImage } from '@unet/inference';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { encode as encodePng } from 'fast-png';
import { unzipSync } from 'fflate';
import { browserPort } from '@unet/test-utils';
import sharp from 'sharp';
import { type PreviewServer, build, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`demo.browser.test: skipped, ${CHROMIUM} is absent; install it with \`apt-get update && apt-get install -y chromium\``);
}

const demoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The `unet` command; turbo builds it first (a dev dependency of the demo).
const unetCli = path.resolve(demoRoot, '..', 'trainer', 'dist', 'cli.js');
const samples = path.join(demoRoot, 'public', 'samples');
const artifacts = path.join(demoRoot, 'test-artifacts');
const SAMPLE = 'isbi-train-03-small.png';
const SAMPLE_TIFF = 'isbi-train-03-small-16bit.tif';

interface PageResult {
  name: string;
  objectCount?: number;
  height: number;
  width: number;
  classes: number;
  tiles: number;
  backend: string;
  elapsedMs: number;
  labels: number[];
}

type DemoWindow = Window & {
  unetDemo: {
    backend(): string;
    memory(): { numTensors: number; numBytes: number };
    workerMemory(): Promise<{ numTensors: number; numBytes: number }>;
    lastTileMs(): number[];
    segment(): Promise<PageResult | null>;
    lastResult(): PageResult | null;
    losses(): number[];
    batch(): { name: string; maskName: string; status: string }[];
    modelLoads(): { name: string; from: 'network' | 'cache'; bytes: number }[];
    trainingPair(): { mask: number[]; maskValues: number[]; classNames: string[] } | null;
  };
};

function agreement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let same = 0;
  for (let index = 0; index < a.length; index++) if (a[index] === b[index]) same++;
  return same / a.length;
}

/** A mask PNG as written by `unet predict` or downloaded from the page, as class ids (0 -> 0, 255 -> 1). */
/** Mask files hold each class's value (`values[classId]`, e.g. ISBI's membrane 0, cell 255); back to class ids. */
let maskValueOfClass = [0, 255];
async function readMask(file: string): Promise<number[]> {
  const { data } = await sharp(file).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return Array.from(data, (value) => maskValueOfClass.indexOf(value));
}

/** The sample in [0, 1] as the trainer's readers give it: one gray channel, value / 255. */
async function readGray(file: string) {
  const { data, info } = await sharp(file).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data: Float32Array.from(data, (value) => value / 255), height: info.height, width: info.width, channels: 1 };
}

describe.skipIf(!hasChromium)('the demo in headless chromium', () => {
  let workFolder: string;
  let server: PreviewServer;
  let context: BrowserContext;
  let page: Page;
  let url: string;
  let modelFolder: string;
  let nodeLabels: Int32Array;
  let predictLabels: number[];
  let webglLabels: number[];

  beforeAll(async () => {
    workFolder = mkdtempSync(path.join(os.tmpdir(), 'unet-demo-test-'));
    const outDir = path.join(workFolder, 'site');
    await build({ root: demoRoot, logLevel: 'warn', build: { outDir, emptyOutDir: true } });

    // The shipped model (models/isbi2012-em, trained by `unet train`) where the checkout has it,
    // else an untrained small-preset U-Net with a fixed seed: the test is about the browser giving
    // Node's answer. Shipped through the manifest, as the default model is.
    await tf.setBackend('wasm');
    modelFolder = path.join(outDir, 'models', 'fixture');
    const shipped = path.join(demoRoot, '..', '..', 'models', 'isbi2012-em');
    if (existsSync(path.join(shipped, 'model.json'))) {
      mkdirSync(modelFolder, { recursive: true });
      for (const file of ['model.json', 'weights.bin']) copyFileSync(path.join(shipped, file), path.join(modelFolder, file));
      const metadata = JSON.parse(readFileSync(path.join(modelFolder, 'model.json'), 'utf8')).userDefinedMetadata.unet.extra;
      maskValueOfClass = metadata.labelMapping.values;
    } else {
      const model = createUNet(presetConfig('small', { seed: 7 }));
      model.metadata = { classNames: ['cell', 'membrane'] };
      await saveUNet(model, fileSystem(modelFolder));
      model.dispose();
    }
    // The fixture first (the page's default), then the shipped models as the real manifest lists them.
    const shippedManifest = JSON.parse(readFileSync(path.join(demoRoot, 'public', 'models', 'manifest.json'), 'utf8')) as {
      name: string;
    }[];
    writeFileSync(
      path.join(outDir, 'models', 'manifest.json'),
      JSON.stringify([{ name: 'fixture', label: 'Test model (the shipped one, or untrained with seed 7)' }, ...shippedManifest]),
    );

    // Node's answer: the saved model, read back, on wasm, through @unet/inference's segmentImage.
    const loaded = await loadUNet(fileSystem(modelFolder));
    const image = await readGray(path.join(samples, SAMPLE));
    const result = await segmentImage(loaded, image, { outputTileSize: modelMetadata(loaded).inferenceTile });
    nodeLabels = labelsFromProbabilities(result.probabilities, result.height, result.width, result.classes, {
      threshold: modelMetadata(loaded).threshold,
    });
    loaded.dispose();

    // And the trainer's own `unet predict` of the same model folder and file, on wasm.
    expect(existsSync(unetCli), `${unetCli} is missing: build the trainer (pnpm turbo run build --filter=demo...)`).toBe(true);
    const predictions = path.join(workFolder, 'predict');
    await promisify(execFile)(process.execPath, [
      unetCli,
      'predict',
      '--model',
      modelFolder,
      path.join(samples, SAMPLE),
      '--out',
      predictions,
      '--backend',
      'wasm',
    ]);
    predictLabels = await readMask(path.join(predictions, SAMPLE));

    server = await preview({
      root: demoRoot,
      logLevel: 'warn',
      build: { outDir },
      preview: { host: '127.0.0.1', port: browserPort(4300, 500), strictPort: false },
    });
    url = server.resolvedUrls?.local[0] ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    context = await chromium.launchPersistentContext(path.join(workFolder, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
      viewport: { width: 1240, height: 1000 },
      args: [
        '--headless',
        '--no-sandbox',
        '--enable-unsafe-swiftshader',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => console.error('page error:', error.message));
    mkdirSync(artifacts, { recursive: true });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (workFolder !== undefined) rmSync(workFolder, { recursive: true, force: true });
  });

  const status = () => page.evaluate(() => document.body.dataset.status);
  const waitForStatus = (wanted: string) =>
    page.waitForFunction((value) => document.body.dataset.status === value || document.body.dataset.status === 'error', wanted, {
      timeout: 150_000,
    });
  const lastResult = () => page.evaluate(() => (window as unknown as DemoWindow).unetDemo.lastResult());
  const statusText = () => page.locator('#status').textContent();

  it('has a Node reference: `unet predict` writes the mask that segmentImage gives', () => {
    expect(agreement(predictLabels, nodeLabels)).toBe(1);
  });

  it('starts on webgl, segments a bundled ISBI sample, and agrees with Node', async () => {
    await page.goto(url);
    await waitForStatus('ready');
    expect(await statusText()).toMatch(/^Ready/);
    expect(await page.locator('#backend-name').textContent()).toBe('webgl');
    expect(await page.locator('#backend-skipped').textContent()).toMatch(/webgpu skipped/);
    expect(await page.locator('#model-info').textContent()).toMatch(/16-channel base, depth 4, same padding, 1\.9M parameters/);

    await page.click(`button[data-sample="${SAMPLE}"]`);
    await waitForStatus('segmented');
    const result = await lastResult();
    expect(result).toMatchObject({ name: SAMPLE, height: 128, width: 128, classes: 2, backend: 'webgl', tiles: 1 });
    webglLabels = result?.labels ?? [];
    const equal = agreement(webglLabels, nodeLabels);
    console.log(`webgl vs Node (wasm): ${(equal * 100).toFixed(2)}% of pixels equal; ${result?.elapsedMs.toFixed(0)} ms`);
    expect(equal).toBeGreaterThanOrEqual(0.99);
    // An untrained network still draws both classes: a mask of one class would agree trivially.
    const ones = webglLabels.filter((label) => label === 1).length / webglLabels.length;
    expect(ones).toBeGreaterThan(0.05);
    expect(ones).toBeLessThan(0.95);
    expect(await page.locator('#status').textContent()).toMatch(/128 x 128 pixels in [\d.]+ s on webgl/);
    await page.screenshot({ path: path.join(artifacts, 'demo-webgl.png'), fullPage: true });
  });

  it("downloads the mask as a PNG in the model's label values, which agrees with `unet predict`'s file", async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-mask')]);
    expect(download.suggestedFilename()).toBe('isbi-train-03-small-mask.png');
    const file = path.join(workFolder, 'mask.png');
    await download.saveAs(file);
    const downloaded = await readMask(file);
    expect(downloaded).toEqual(webglLabels);
    const equal = agreement(downloaded, predictLabels);
    console.log(`webgl download vs unet predict (wasm): ${(equal * 100).toFixed(2)}% of pixels equal`);
    expect(equal).toBeGreaterThanOrEqual(0.99);
  });

  it('switches to wasm, segments again, and agrees with Node', async () => {
    await page.selectOption('#backend-select', 'wasm');
    await page.waitForFunction(() => (window as unknown as DemoWindow).unetDemo.lastResult()?.backend === 'wasm', undefined, {
      timeout: 150_000,
    });
    expect(await status()).toBe('segmented');
    expect(await page.locator('#backend-name').textContent()).toBe('wasm');
    const result = await lastResult();
    const equal = agreement(result?.labels ?? [], nodeLabels);
    console.log(`wasm in chromium vs Node (wasm): ${(equal * 100).toFixed(2)}% of pixels equal; ${result?.elapsedMs.toFixed(0)} ms`);
    expect(equal).toBeGreaterThanOrEqual(0.99);
    await page.screenshot({ path: path.join(artifacts, 'demo-wasm.png'), fullPage: true });
  });

  it('segments 20 images in a row without leaking a tensor', async () => {
    const counts = await page.evaluate(async () => {
      const demo = (window as unknown as DemoWindow).unetDemo;
      const before = { page: demo.memory(), worker: await demo.workerMemory() };
      for (let run = 0; run < 20; run++) await demo.segment();
      const after = { page: demo.memory(), worker: await demo.workerMemory() };
      return { before, after };
    });
    console.log(`tf.memory() of the page and of the segmentation worker before and after 20 segmentations: ${JSON.stringify(counts)}`);
    // The worker holds the model's weights: a worker with no tensors would prove nothing.
    expect(counts.before.worker.numTensors).toBeGreaterThan(50);
    expect(counts.after.worker.numTensors).toBe(counts.before.worker.numTensors);
    expect(counts.after.worker.numBytes).toBe(counts.before.worker.numBytes);
    expect(counts.after.page.numTensors).toBe(counts.before.page.numTensors);
    expect(counts.after.page.numBytes).toBe(counts.before.page.numBytes);
  });

  it('reads the 16-bit TIFF of the same crop and gives the same mask', async () => {
    const before = await lastResult();
    await page.setInputFiles('#image-file', path.join(samples, SAMPLE_TIFF));
    await page.waitForFunction((name) => (window as unknown as DemoWindow).unetDemo.lastResult()?.name === name, SAMPLE_TIFF, {
      timeout: 150_000,
    });
    const result = await lastResult();
    expect(result).toMatchObject({ height: 128, width: 128 });
    expect(agreement(result?.labels ?? [], before?.labels ?? [])).toBeGreaterThanOrEqual(0.999);
  });

  it("loads a user's model folder (model.json + weights.bin) and segments with it", async () => {
    await page.setInputFiles('#model-files', [path.join(modelFolder, 'model.json'), path.join(modelFolder, 'weights.bin')]);
    await page.waitForFunction(
      () =>
        document.querySelector('#model-select option:checked')?.textContent?.includes('your files') ||
        document.body.dataset.status === 'error',
      undefined,
      { timeout: 30_000 },
    );
    await waitForStatus('segmented');
    expect(await statusText()).toMatch(/^isbi-train-03-small-16bit.tif: 128 x 128 pixels/);
    const result = await lastResult();
    expect(agreement(result?.labels ?? [], nodeLabels)).toBeGreaterThanOrEqual(0.99);
  });

  it('opens an image dropped on the page, and one pasted into it', async () => {
    const transferOf = (name: string) =>
      page.evaluateHandle(
        async ({ sample, name }) => {
          const bytes = await (await fetch(`samples/${sample}`)).arrayBuffer();
          const transfer = new DataTransfer();
          transfer.items.add(new File([bytes], name, { type: 'image/png' }));
          return transfer;
        },
        { sample: SAMPLE, name },
      );
    const waitForResult = (name: string) =>
      page.waitForFunction((wanted) => (window as unknown as DemoWindow).unetDemo.lastResult()?.name === wanted, name, {
        timeout: 150_000,
      });

    await page.dispatchEvent('body', 'drop', { dataTransfer: await transferOf('dropped.png') });
    await waitForResult('dropped.png');
    expect(agreement((await lastResult())?.labels ?? [], nodeLabels)).toBeGreaterThanOrEqual(0.99);
    expect(await page.locator('#progress').evaluate((bar) => (bar as HTMLProgressElement).value)).toBe(1);

    const pasted = await transferOf('pasted.png');
    await page.evaluate((clipboardData) => document.dispatchEvent(new ClipboardEvent('paste', { clipboardData })), pasted);
    await waitForResult('pasted.png');
    expect(agreement((await lastResult())?.labels ?? [], nodeLabels)).toBeGreaterThanOrEqual(0.99);
  });

  it('segments several images dropped at once, in turn, with a mask download for each and one zip of all', async () => {
    const transfer = await page.evaluateHandle(
      async ({ png, tiff }) => {
        const transfer = new DataTransfer();
        const pngBytes = await (await fetch(`samples/${png}`)).arrayBuffer();
        const tiffBytes = await (await fetch(`samples/${tiff}`)).arrayBuffer();
        transfer.items.add(new File([pngBytes], 'one.png', { type: 'image/png' }));
        transfer.items.add(new File([tiffBytes], 'two.tif', { type: 'image/tiff' }));
        transfer.items.add(new File([pngBytes], 'three.png', { type: 'image/png' }));
        return transfer;
      },
      { png: SAMPLE, tiff: SAMPLE_TIFF },
    );
    await page.dispatchEvent('body', 'drop', { dataTransfer: transfer });
    await page.waitForFunction(() => document.body.dataset.batch === 'done', undefined, { timeout: 150_000 });
    expect(await page.evaluate(() => (window as unknown as DemoWindow).unetDemo.batch())).toEqual([
      { name: 'one.png', maskName: 'one-mask.png', status: 'segmented' },
      { name: 'two.tif', maskName: 'two-mask.png', status: 'segmented' },
      { name: 'three.png', maskName: 'three-mask.png', status: 'segmented' },
    ]);
    // The last one stays on view.
    expect((await lastResult())?.name).toBe('three.png');

    const [single] = await Promise.all([page.waitForEvent('download'), page.click('button[data-mask="two.tif"]')]);
    expect(single.suggestedFilename()).toBe('two-mask.png');
    const singleFile = path.join(workFolder, 'two-mask.png');
    await single.saveAs(singleFile);
    expect(agreement(await readMask(singleFile), predictLabels)).toBeGreaterThanOrEqual(0.99);

    const [zip] = await Promise.all([page.waitForEvent('download'), page.click('#batch-zip')]);
    expect(zip.suggestedFilename()).toBe('masks.zip');
    const zipFile = path.join(workFolder, 'masks.zip');
    await zip.saveAs(zipFile);
    const entries = unzipSync(readFileSync(zipFile));
    expect(Object.keys(entries).sort()).toEqual(['one-mask.png', 'three-mask.png', 'two-mask.png']);
    for (const [name, bytes] of Object.entries(entries)) {
      const file = path.join(workFolder, `zipped-${name}`);
      writeFileSync(file, bytes);
      expect(agreement(await readMask(file), predictLabels), name).toBeGreaterThanOrEqual(0.99);
    }
  });

  /** Drops a 600 x 600 PNG made in the page from the 256-pixel sample, repeated: 3 x 3 tiles of 256. */
  const dropLargeImage = (name: string) =>
    page.evaluate(async (name) => {
      const bitmap = await createImageBitmap(await (await fetch('samples/isbi-train-00.png')).blob());
      const canvas = new OffscreenCanvas(600, 600);
      const context = canvas.getContext('2d');
      for (let top = 0; top < 600; top += 256) for (let left = 0; left < 600; left += 256) context?.drawImage(bitmap, left, top);
      const transfer = new DataTransfer();
      transfer.items.add(new File([await canvas.convertToBlob({ type: 'image/png' })], name, { type: 'image/png' }));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true }));
    }, name);

  it("keeps the page's thread free: a timer on the page keeps ticking while the worker computes the tiles", async () => {
    // Ticks of a 5 ms timer, kept while the tiles are under way (after the first, before the last).
    await page.evaluate(() => {
      const progress = document.querySelector('#progress') as HTMLProgressElement;
      const ticks: number[] = [];
      (window as unknown as { ticks: number[] }).ticks = ticks;
      const timer = setInterval(() => {
        if (document.body.dataset.status === 'busy' && progress.value > 0 && progress.value < 1) ticks.push(performance.now());
        if (document.body.dataset.status !== 'busy' && ticks.length > 0) clearInterval(timer);
      }, 5);
    });
    await dropLargeImage('large.png');
    await page.waitForFunction(() => (window as unknown as DemoWindow).unetDemo.lastResult()?.name === 'large.png', undefined, {
      timeout: 150_000,
    });
    const seen = await page.evaluate(() => {
      const demo = (window as unknown as DemoWindow).unetDemo;
      const ticks = (window as unknown as { ticks: number[] }).ticks;
      let longestGap = 0;
      for (let index = 1; index < ticks.length; index++) longestGap = Math.max(longestGap, ticks[index] - ticks[index - 1]);
      return {
        ticks: ticks.length,
        longestGap,
        tileMs: demo.lastTileMs(),
        tiles: demo.lastResult()?.tiles,
        backend: demo.lastResult()?.backend,
      };
    });
    // The first tile also starts the worker's backend; the others are the plain compute.
    const shortestTile = Math.min(...seen.tileMs.slice(1));
    console.log(
      `a 600 x 600 image on ${seen.backend} in the worker: ${seen.tiles} tiles of ${seen.tileMs.map((ms) => ms.toFixed(0)).join(', ')} ms; the page's timer ticked ${seen.ticks} times, longest gap ${seen.longestGap.toFixed(0)} ms`,
    );
    expect(seen.tiles).toBe(9);
    // On the page's thread wasm computes a tile in one go: no tick could come during it, and the
    // longest gap would be at least a tile. In the worker the timer runs on.
    expect(seen.ticks).toBeGreaterThanOrEqual(9);
    expect(seen.longestGap).toBeLessThan(shortestTile);
  });

  it('cancels a segmentation midway through the image, then segments again', async () => {
    await dropLargeImage('large-cancelled.png');
    await page.waitForFunction(() => (document.querySelector('#progress') as HTMLProgressElement).value > 0, undefined, {
      timeout: 150_000,
    });
    await page.click('#segment-cancel');
    await waitForStatus('cancelled');
    expect(await statusText()).toMatch(/^large-cancelled\.png: cancelled after/);
    expect(await page.locator('#progress').evaluate((bar) => (bar as HTMLProgressElement).value)).toBeLessThan(1);
    // The cancelled image shows no result of its own.
    expect(await lastResult()).toBeNull();
    // A new worker takes over: the same image segments in full.
    const again = await page.evaluate(() => (window as unknown as DemoWindow).unetDemo.segment());
    expect(again).toMatchObject({ name: 'large-cancelled.png', tiles: 9, backend: 'wasm' });
  });

  it('offers the shipped DIC-HeLa model, which finds the cells of its sample as Node does', { timeout: 300_000 }, async () => {
    const shipped = path.join(demoRoot, '..', '..', 'models', 'dic-hela');
    const hela = 'hela-t027.png';
    const loaded = await loadUNet(fileSystem(shipped));
    const reference = await segmentImage(loaded, await readGray(path.join(samples, hela)), {
      outputTileSize: modelMetadata(loaded).inferenceTile,
    });
    const nodeCells = labelsFromProbabilities(reference.probabilities, reference.height, reference.width, reference.classes, {
      threshold: modelMetadata(loaded).threshold,
    });
    loaded.dispose();

    expect(await page.locator('#model-select option[value="shipped-dic-hela"]').textContent()).toMatch(/DIC-HeLa/);
    await page.selectOption('#model-select', 'shipped-dic-hela');
    await page.waitForFunction(() => document.querySelector('#model-info')?.textContent?.includes('1.9M parameters'), undefined, {
      timeout: 60_000,
    });
    await page.click(`button[data-sample="${hela}"]`);
    await page.waitForFunction((name) => (window as unknown as DemoWindow).unetDemo.lastResult()?.name === name, hela, {
      timeout: 240_000,
    });
    const result = await lastResult();
    expect(result).toMatchObject({ height: 512, width: 512, classes: 2 });
    const equal = agreement(result?.labels ?? [], nodeCells);
    const cells = nodeCells.filter((label) => label === 1).length / nodeCells.length;
    console.log(
      `dic-hela on ${result?.backend} in chromium vs Node (wasm): ${(equal * 100).toFixed(2)}% of pixels equal; cells ${(cells * 100).toFixed(1)}% of the frame; ${result?.elapsedMs.toFixed(0)} ms`,
    );
    expect(equal).toBeGreaterThanOrEqual(0.99);
    // A trained model: HeLa cells fill much of frame 027, and the background is there too.
    expect(cells).toBeGreaterThan(0.2);
    expect(cells).toBeLessThan(0.9);
    // The model saved how it cuts out cells, so the page shows objects, as `unet predict
    // --instances` cuts them out of Node's probabilities (a seed pixel at 0.9 may round the other
    // way in another backend, hence one object of slack).
    const nodeObjects = objectInstances(
      classChannel(reference.probabilities, reference.height * reference.width, reference.classes, 1),
      reference.height,
      reference.width,
      'seeded',
    );
    const nodeObjectCount = nodeObjects.reduce((largest, id) => Math.max(largest, id), 0);
    console.log(`dic-hela objects: ${result?.objectCount} in chromium, ${nodeObjectCount} in Node`);
    expect(await page.locator('#overlay-mode').inputValue()).toBe('objects');
    expect(nodeObjectCount).toBeGreaterThanOrEqual(8);
    expect(Math.abs((result?.objectCount ?? 0) - nodeObjectCount)).toBeLessThanOrEqual(1);
    expect(await page.locator('#overlay-caption').textContent()).toBe(`${result?.objectCount} objects (cell) over the image`);
    await page.screenshot({ path: path.join(artifacts, 'demo-dic-hela.png'), fullPage: true });
  });

  it('reads a VOC palette mask by its indices: classes 1 and 3, one red value apart, stay apart', async () => {
    // A 64 x 64 VOC-style mask made here: bands of classes 0, 1, 3, 15 and void (255), in VOC's palette.
    const size = 64;
    const bands = [0, 1, 3, 15, 255];
    const indices = Uint8Array.from({ length: size * size }, (_, pixel) => bands[Math.floor((pixel % size) / 13)]);
    const colours = vocColourMap();
    const palette = Array.from({ length: 256 }, (_, index) => [colours[index * 3], colours[index * 3 + 1], colours[index * 3 + 2]]);
    expect(palette[1][0]).toBe(palette[3][0]);
    const maskFile = path.join(workFolder, 'voc-mask.png');
    writeFileSync(maskFile, encodePng({ width: size, height: size, data: indices, depth: 8, channels: 1, palette }));
    const imageFile = path.join(workFolder, 'voc-image.png');
    writeFileSync(
      imageFile,
      encodePng({ width: size, height: size, data: Uint8Array.from(indices, (index) => (index * 7) % 256), depth: 8, channels: 1 }),
    );

    await page.selectOption('#train-kind', 'pair');
    await page.setInputFiles('#pair-image', imageFile);
    await page.setInputFiles('#pair-mask', maskFile);
    await page.waitForFunction(
      () => /image: 64 x 64, mask: 64 x 64/.test(document.querySelector('#pair-info')?.textContent ?? ''),
      undefined,
      { timeout: 30_000 },
    );
    const pair = await page.evaluate(() => (window as unknown as DemoWindow).unetDemo.trainingPair());
    expect(pair?.maskValues).toEqual(bands);
    expect(pair?.mask).toEqual(Array.from(indices, (index) => bands.indexOf(index)));
    await page.selectOption('#train-kind', 'em');
  });

  it('trains a small U-Net on synthetic data: the loss falls, and the model then segments', async () => {
    await page.fill('#train-steps', '16');
    await page.fill('#train-tile', '64');
    await page.fill('#train-batch', '2');
    // The page's own tensors, sampled while the worker trains: on the page's thread the run's model and optimiser would add hundreds.
    await page.evaluate(() => {
      const demo = (window as unknown as DemoWindow).unetDemo;
      const seen = { before: demo.memory().numTensors, most: 0, samples: 0 };
      (window as unknown as { trainingMemory: typeof seen }).trainingMemory = seen;
      const timer = setInterval(() => {
        if (document.body.dataset.training !== 'running') return;
        seen.most = Math.max(seen.most, demo.memory().numTensors);
        seen.samples++;
        if (demo.losses().length >= 16) clearInterval(timer);
      }, 20);
    });
    await page.click('#train-start');
    await page.waitForFunction(() => document.body.dataset.training === 'done' || document.body.dataset.training === 'error', undefined, {
      timeout: 120_000,
    });
    expect(await page.locator('#train-status').textContent()).toMatch(/^Trained 16 steps in [\d.]+ s on wasm, in a worker/);
    const memory = await page.evaluate(
      () => (window as unknown as { trainingMemory: { before: number; most: number; samples: number } }).trainingMemory,
    );
    console.log(`the page's tensors while the worker trained: ${JSON.stringify(memory)}`);
    expect(memory.samples).toBeGreaterThan(10);
    expect(memory.most).toBe(memory.before);
    const losses = await page.evaluate(() => (window as unknown as DemoWindow).unetDemo.losses());
    expect(losses).toHaveLength(16);
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const first = mean(losses.slice(0, 4));
    const last = mean(losses.slice(-4));
    console.log(`training panel: loss ${losses.map((loss) => loss.toFixed(3)).join(' ')}`);
    expect(last).toBeLessThan(0.8 * first);
    await page.screenshot({ path: path.join(artifacts, 'demo-training.png'), fullPage: true });

    await page.click('#train-use');
    await page.waitForFunction(
      () => document.querySelector('#model-select option:checked')?.textContent?.startsWith('Trained here'),
      undefined,
      { timeout: 30_000 },
    );
    await waitForStatus('segmented');
    expect((await lastResult())?.classes).toBe(2);
  });
  /** A mask PNG's gray values as stored (each class's value in the model's label values). */
  const maskValues = async (file: string) =>
    Array.from((await sharp(file).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true })).data);

  it('downloads the trained model as model.json + weights.bin, which the page and `unet predict` load again', async () => {
    const trained = await lastResult();
    expect(trained?.name).toBeDefined();
    const [pageMask] = await Promise.all([page.waitForEvent('download'), page.click('#download-mask')]);
    const pageMaskFile = path.join(workFolder, 'trained-page-mask.png');
    await pageMask.saveAs(pageMaskFile);

    const folder = path.join(workFolder, 'trained-model');
    mkdirSync(folder, { recursive: true });
    const files: string[] = [];
    const downloads = new Promise<void>((resolve) => {
      const listener = async (download: import('playwright-core').Download) => {
        const file = path.join(folder, download.suggestedFilename());
        await download.saveAs(file);
        files.push(download.suggestedFilename());
        if (files.length === 2) {
          page.off('download', listener);
          resolve();
        }
      };
      page.on('download', listener);
    });
    await page.click('#train-download');
    await downloads;
    expect(files.sort()).toEqual(['model.json', 'weights.bin']);

    // The trainer's command reads the folder and segments the same image as the page did.
    const predictions = path.join(workFolder, 'trained-predict');
    const image = path.join(samples, trained?.name ?? '');
    await promisify(execFile)(process.execPath, [unetCli, 'predict', '--model', folder, image, '--out', predictions, '--backend', 'wasm']);
    const commandMask = await maskValues(path.join(predictions, path.basename(image)));
    const pageValues = await maskValues(pageMaskFile);
    const equal = agreement(commandMask, pageValues);
    console.log(
      `the page's trained model, downloaded: unet predict (wasm) vs the page (${trained?.backend}): ${(equal * 100).toFixed(2)}% of pixels equal`,
    );
    expect(equal).toBeGreaterThanOrEqual(0.99);
    // Both classes: a mask of one value would agree trivially.
    const values = new Set(pageValues);
    expect(values.size).toBe(2);

    // And the page loads it back as a user's model folder, and gives the same mask.
    await page.setInputFiles('#model-files', [path.join(folder, 'model.json'), path.join(folder, 'weights.bin')]);
    await page.waitForFunction(
      () => document.querySelector('#model-select option:checked')?.textContent?.includes('your files'),
      undefined,
      { timeout: 30_000 },
    );
    await waitForStatus('segmented');
    expect(agreement((await lastResult())?.labels ?? [], trained?.labels ?? [])).toBe(1);
  });

  it('keeps the shipped model in IndexedDB: a second visit loads it from there without downloading its weights', async () => {
    const firstVisit = await page.evaluate(() => (window as unknown as DemoWindow).unetDemo.modelLoads());
    // The bytes counted by the download's progress are the whole weights file.
    expect(firstVisit[0]).toEqual({ name: 'fixture', from: 'network', bytes: statSync(path.join(modelFolder, 'weights.bin')).size });
    const weightRequests: string[] = [];
    const listener = (request: import('playwright-core').Request) => {
      if (request.url().endsWith('.bin')) weightRequests.push(request.url());
    };
    page.on('request', listener);
    await page.reload();
    await waitForStatus('ready');
    page.off('request', listener);
    expect(await page.evaluate(() => (window as unknown as DemoWindow).unetDemo.modelLoads())).toEqual([
      { name: 'fixture', from: 'cache', bytes: 0 },
    ]);
    expect(weightRequests).toEqual([]);
    // The cached model is the same model: the sample gives Node's mask again.
    await page.click(`button[data-sample="${SAMPLE}"]`);
    await waitForStatus('segmented');
    expect(agreement((await lastResult())?.labels ?? [], nodeLabels)).toBeGreaterThanOrEqual(0.99);
  });
});
