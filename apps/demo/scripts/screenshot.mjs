// Makes docs/screenshot.png: serves dist/ (run `pnpm --filter demo build` first), trains a small
// U-Net in the page on synthetic EM data (the "train here" panel, wasm backend), segments a
// bundled ISBI sample with it and photographs the page. Needs /usr/bin/chromium.
//   node scripts/screenshot.mjs [steps] [tile]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const steps = process.argv[2] ?? '120';
const tile = process.argv[3] ?? '96';
const server = await preview({ root, logLevel: 'warn', preview: { host: '127.0.0.1', port: 4870, strictPort: false } });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
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
try {
  const page = await browser.newPage({ viewport: { width: 1240, height: 1000 } });
  await page.goto(`${server.resolvedUrls.local[0]}?backend=wasm`);
  await page.waitForFunction(() => document.body.dataset.status === 'ready');
  await page.fill('#train-steps', steps);
  await page.fill('#train-tile', tile);
  await page.click('#train-start');
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.training ?? ''), undefined, { timeout: 0 });
  console.log(await page.locator('#train-status').textContent());
  await page.click('#train-use');
  await page.waitForFunction(() => document.querySelector('#model-select option:checked')?.textContent?.startsWith('Trained here'));
  await page.click('button[data-sample="isbi-train-00.png"]');
  await page.waitForFunction(
    () => document.body.dataset.status === 'segmented' && document.querySelector('#status')?.textContent?.startsWith('isbi-train-00'),
    undefined,
    { timeout: 0 },
  );
  console.log(await page.locator('#status').textContent());
  await page.screenshot({ path: path.join(root, 'docs', 'screenshot.png'), fullPage: true });
} finally {
  await browser.close();
  await server.close();
}
