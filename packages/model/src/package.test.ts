// Installing individual packages: @unet/model and @unet/core, packed as they would be published,
// work in a plain npm project outside the workspace, with only tfjs-core and a backend beside them.
//
// Why a real install: inside the workspace, pnpm's links and vitest's resolver hide what a
// published package gets wrong (a `workspace:*` range, a file missing from `files`, an export
// condition Node does not take). tfjs-core's Node entry registers no gradients, so a plain Node
// install can only train if @unet/core's `#register-gradients` import picks its bundled `node`
// file; the script below proves that it does.
//
// Assumes `dist/` of both packages is built (turbo's `test` task depends on `build`).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

const modelRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const coreRoot = path.resolve(modelRoot, '..', 'core');
const tfjsVersion = '4.22.0';
// npm install reaches the registry for tfjs-core and its dependencies.
const installTimeout = 120_000;

// Runs in the installed project, as a user's first script would.
const smokeScript = `
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createUNet, presetConfig, saveUNet, loadUNet } from '@unet/model';
import { fileSystem } from '@unet/model/node';
import path from 'node:path';

await tf.setBackend('cpu');
const model = createUNet(presetConfig('small', { baseChannels: 4 }));
// [batch, height, width, channels]
const input = tf.randomNormal([1, 16, 16, 1], 0, 1, 'float32', 3);
const output = model.apply(input);

// tf.mean, not input.mean(): tfjs-core's CommonJS build in Node has no chained ops.
const { grads } = tf.variableGrads(() => tf.mean(model.apply(input, { training: true })), model.trainableVariables);
const gradientNames = Object.keys(grads);
const gradientsFinite = gradientNames.length > 0 &&
  gradientNames.every((name) => grads[name].dataSync().every((value) => Number.isFinite(value)));

const folder = path.join(process.cwd(), 'saved-model');
await saveUNet(model, fileSystem(folder));
const loaded = await loadUNet(fileSystem(folder));
const before = model.apply(input).dataSync();
const after = loaded.apply(input).dataSync();
const identical = before.length === after.length && before.every((value, index) => Object.is(value, after[index]));

console.log(JSON.stringify({
  backend: tf.getBackend(),
  shape: output.shape,
  gradientCount: gradientNames.length,
  trainableCount: model.trainableVariables.length,
  gradientsFinite,
  identical,
}));
`;

function assertBuilt(packageRoot: string): void {
  const entry = path.join(packageRoot, 'dist', 'index.js');
  if (!existsSync(entry)) {
    throw new Error(`${entry} is missing: run \`pnpm build\` in ${packageRoot} (or \`pnpm build\` at the root) before this test.`);
  }
}

async function pack(packageRoot: string, destination: string): Promise<string> {
  const before = new Set(await readdir(destination));
  await run('pnpm', ['pack', '--pack-destination', destination], { cwd: packageRoot });
  const created = (await readdir(destination)).filter((name) => name.endsWith('.tgz') && !before.has(name));
  expect(created, `pnpm pack in ${packageRoot} should write one tarball`).toHaveLength(1);
  return path.join(destination, created[0]);
}

describe('the packed packages, installed with npm outside the workspace', () => {
  let tarballFolder: string;
  let projectFolder: string;
  let modelTarball: string;
  let coreTarball: string;

  beforeAll(async () => {
    assertBuilt(coreRoot);
    assertBuilt(modelRoot);
    tarballFolder = await mkdtemp(path.join(tmpdir(), 'unet-pack-'));
    projectFolder = await mkdtemp(path.join(tmpdir(), 'unet-install-'));
    coreTarball = await pack(coreRoot, tarballFolder);
    modelTarball = await pack(modelRoot, tarballFolder);
  }, installTimeout);

  afterAll(async () => {
    await Promise.all([tarballFolder, projectFolder].filter(Boolean).map((folder) => rm(folder, { recursive: true, force: true })));
  });

  it('ship dist with its type declarations and without tests', async () => {
    const { stdout } = await run('tar', ['-tzf', modelTarball]);
    const entries = stdout.split('\n').filter(Boolean);
    expect(entries).toContain('package/dist/index.js');
    expect(entries).toContain('package/dist/index.d.ts');
    expect(entries).toContain('package/dist/node/index.js');
    expect(entries.filter((entry) => /\.test\./.test(path.basename(entry)))).toEqual([]);
  });

  it('ship @unet/core with the bundled gradients that Node resolves #register-gradients to', async () => {
    const { stdout } = await run('tar', ['-tzf', coreTarball]);
    const entries = stdout.split('\n').filter(Boolean);
    expect(entries).toContain('package/dist/index.js');
    expect(entries).toContain('package/dist/register_gradients.node.js');
    expect(entries.filter((entry) => /\.test\./.test(path.basename(entry)))).toEqual([]);
  });

  it(
    'build, train and round-trip a U-Net in a plain Node project',
    async () => {
      await writeFile(
        path.join(projectFolder, 'package.json'),
        JSON.stringify({ name: 'unet-install-check', private: true, type: 'module' }),
      );
      await run(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--prefer-offline',
          coreTarball,
          modelTarball,
          `@tensorflow/tfjs-core@${tfjsVersion}`,
          `@tensorflow/tfjs-backend-cpu@${tfjsVersion}`,
        ],
        { cwd: projectFolder, timeout: installTimeout },
      );
      await writeFile(path.join(projectFolder, 'check.mjs'), smokeScript);
      const { stdout } = await run('node', ['check.mjs'], { cwd: projectFolder, timeout: 60_000 });
      const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '');
      expect(result.backend).toBe('cpu');
      expect(result.shape).toEqual([1, 16, 16, 2]);
      expect(result.gradientCount).toBe(result.trainableCount);
      expect(result.gradientsFinite).toBe(true);
      expect(result.identical).toBe(true);
    },
    installTimeout,
  );
});
