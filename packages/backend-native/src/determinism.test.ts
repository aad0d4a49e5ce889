import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nativeAddonStatus } from './addon_status.js';

const packageFolder = fileURLToPath(new URL('..', import.meta.url));
const built = existsSync(new URL('../dist/index.js', import.meta.url));

// One process: a small-preset U-Net (batch norm, fixed seeds), its inference output and its
// training-mode output and gradients, hashed. Run from the package folder so that @unet/model
// and tfjs resolve as they do for a user of the built package.
const program = `
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import '@unet/core/register-gradients';
import { createUNet, presetConfig } from '@unet/model';
await import('./dist/index.js');
await tf.setBackend('native');
const model = createUNet(presetConfig('small', { seed: 21 }));
const input = tf.randomUniform([2, 64, 64, 1], 0, 1, 'float32', 22);
const hash = createHash('sha256');
hash.update(model.apply(input).dataSync());
const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(model.apply(input, { training: true, seed: 3 }))), model.trainableVariables);
hash.update(value.dataSync());
for (const variable of model.trainableVariables) hash.update(grads[variable.name].dataSync());
console.log(hash.digest('hex'));
`;

function runOnce(): string {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', program], {
    cwd: packageFolder,
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '2' },
  });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.trim();
}

describe.skipIf(!nativeAddonStatus().available || !built)('the native backend across processes', () => {
  it('gives byte-identical inference outputs, training outputs and gradients in two processes (2 threads)', () => {
    const first = runOnce();
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(runOnce()).toBe(first);
  });
});
