import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';

// tfjs-core's Node entry registers no gradients ("gradient function not found for RealDiv");
// importing @unet/core must fix that in Node, in vitest and in a browser bundle. Each check
// differentiates x / 2 + x^2 at x = 3, whose derivative is 1/2 + 2x = 6.5.
const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const probe = `
  const x = tf.scalar(3);
  const gradient = tf.grad((v) => tf.add(tf.div(v, tf.scalar(2)), tf.square(v)))(x);
  const result = gradient.dataSync()[0];
`;

describe('gradient registration', () => {
  beforeAll(() => {
    if (!existsSync(path.join(packageRoot, 'dist', 'index.js'))) {
      throw new Error('packages/core/dist is missing: run `pnpm build` first (turbo does before tests)');
    }
  });

  it('is missing from tfjs-core alone in Node (why @unet/core registers them)', async () => {
    const script = `const tf = require('@tensorflow/tfjs-core'); require('@tensorflow/tfjs-backend-cpu');
      tf.setBackend('cpu').then(() => { try { ${probe} console.log(result); } catch (e) { console.log(e.message); } });`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { cwd: packageRoot });
    expect(stdout).toMatch(/gradient function not found for/);
  });

  it('works in a fresh Node process that imports @unet/core', async () => {
    const script = `import * as tf from '@tensorflow/tfjs-core'; import '@tensorflow/tfjs-backend-cpu';
      import '@unet/core'; await tf.setBackend('cpu'); ${probe} console.log(result);`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageRoot,
    });
    expect(Number(stdout.trim().split('\n').at(-1))).toBeCloseTo(6.5, 6);
  });

  it('works when @unet/core is imported before tfjs-core (a Cast gradient calls chained ops)', async () => {
    // The bundled gradients carry their own copy of the ops; were that copy to load before the
    // real tfjs-core, tensors would get a Tensor class without chained ops and Cast's gradient
    // (dy.clone()) would fail.
    const script = `import '@unet/core'; import * as tf from '@tensorflow/tfjs-core'; import '@tensorflow/tfjs-backend-cpu';
      await tf.setBackend('cpu');
      const result = tf.grad((v) => tf.sum(tf.cast(tf.mul(v, tf.scalar(2)), 'float32')))(tf.tensor1d([1, 2]));
      console.log(Array.from(result.dataSync()).join(','));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageRoot,
    });
    expect(stdout.trim().split('\n').at(-1)).toBe('2,2');
  });

  it('works in vitest through the package entry', async () => {
    await import('@unet/core');
    await tf.setBackend('cpu');
    const result = tf.grad((v: tf.Tensor) => tf.add(tf.div(v, tf.scalar(2)), tf.square(v)))(tf.scalar(3));
    expect(result.dataSync()[0]).toBeCloseTo(6.5, 6);
  });

  it('works in a browser bundle, which takes the browser file, not the Node bundle', async () => {
    const bundle = await build({
      stdin: {
        contents: `import * as tf from '@tensorflow/tfjs-core'; import '@tensorflow/tfjs-backend-cpu';
          import '@unet/core';
          globalThis.run = async () => { await tf.setBackend('cpu'); ${probe} return result; };`,
        resolveDir: packageRoot,
        loader: 'js',
      },
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'iife',
      logLevel: 'silent',
      metafile: true,
    });
    const inputs = Object.keys(bundle.metafile.inputs);
    expect(inputs.some((file) => file.endsWith('register_gradients.browser.js'))).toBe(true);
    expect(inputs.some((file) => file.endsWith('register_gradients.node.js'))).toBe(false);
    expect(inputs.some((file) => file.endsWith('gradients/RealDiv_grad.js'))).toBe(true);
    // Run it in a bare context that stands in for a page: no Node globals.
    const context: Record<string, unknown> = {
      console,
      setTimeout,
      clearTimeout,
      performance,
      TextEncoder,
      TextDecoder,
      navigator: { userAgent: 'test' },
      document: {},
    };
    context.globalThis = context;
    context.self = context;
    context.window = context;
    runInNewContext(bundle.outputFiles[0].text, context);
    const result = await (context.run as () => Promise<number>)();
    expect(result).toBeCloseTo(6.5, 6);
  });
});
