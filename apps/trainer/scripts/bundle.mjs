// One-file build of the `unet` command for a machine with Node but no network (an offline GPU
// box): `pnpm --filter @unet/trainer bundle` writes dist-bundle/unet.mjs. Packages with native
// parts or data files stay outside the bundle and are loaded from a node_modules beside it when
// present: sharp (images), webgpu (Dawn), the tfjs-node packages, our native backend; wasm's
// .wasm files are copied next to the bundle.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist-bundle');
mkdirSync(outdir, { recursive: true });
await build({
  entryPoints: [path.join(root, 'dist', 'cli.js')],
  outfile: path.join(outdir, 'unet.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['sharp', 'webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@unet/backend-native'],
  // Bundled CommonJS modules call require() and find files by __dirname (tfjs's .wasm files):
  // give the ESM output both, pointing at the bundle's folder.
  banner: {
    js: [
      "import { createRequire as __unetCreateRequire } from 'node:module';",
      "import { dirname as __unetDirname } from 'node:path';",
      "import { fileURLToPath as __unetFileURLToPath } from 'node:url';",
      'const require = __unetCreateRequire(import.meta.url);',
      'const __filename = __unetFileURLToPath(import.meta.url);',
      'const __dirname = __unetDirname(__filename);',
    ].join('\n'),
  },
  logLevel: 'warning',
});
const require = createRequire(path.join(root, 'package.json'));
const wasmFolder = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '..', 'wasm-out');
for (const file of readdirSync(wasmFolder).filter((name) => name.endsWith('.wasm'))) {
  copyFileSync(path.join(wasmFolder, file), path.join(outdir, file));
}
console.log(`wrote ${path.relative(process.cwd(), path.join(outdir, 'unet.mjs'))}`);
