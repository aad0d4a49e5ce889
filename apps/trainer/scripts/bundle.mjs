// One-file build of the `unet` command for a machine with Node but no network (an offline GPU
// box): `pnpm --filter @unet/trainer bundle` writes dist-bundle/unet.js (and worker_entry.js, case_main.js). Packages with native
// parts or data files stay outside the bundle and are loaded from a node_modules beside it when
// present: sharp (images), webgpu (Dawn), the tfjs-node packages, our native backend; wasm's
// .wasm files are copied next to the bundle.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist-bundle');
mkdirSync(outdir, { recursive: true });
const require = createRequire(path.join(root, 'package.json'));
// The batch workers of @unet/data run a file of their own, found beside the code that starts them.
const workerEntry = path.join(path.dirname(require.resolve('@unet/data/package.json')), 'dist', 'node', 'worker_entry.js');
await build({
  // unet bench runs each case in a child process of case_main.js, found beside the bundle.
  entryPoints: {
    unet: path.join(root, 'dist', 'cli.js'),
    worker_entry: workerEntry,
    case_main: path.join(root, 'dist', 'bench', 'case_main.js'),
  },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // onnxruntime-node carries its CPU build as .node files; like sharp, it is loaded from a node_modules beside the bundle.
  external: ['sharp', 'webgpu', 'onnxruntime-node', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@unet/backend-native'],
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
  plugins: [
    {
      // @unet/core registers tfjs-core's gradients in Node from a prebuilt bundle that carries its
      // own copy of the ops; inside this bundle, take the ES module file that imports tfjs-core's
      // own registration instead, so that one copy of tfjs-core exists.
      name: 'one-tfjs-core',
      setup(plugin) {
        plugin.onResolve({ filter: /^#register-gradients$/ }, (args) => ({
          path: path.join(path.dirname(args.importer), 'register_gradients.browser.js'),
        }));
      },
    },
  ],
});
const wasmFolder = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '..', 'wasm-out');
for (const file of readdirSync(wasmFolder).filter((name) => name.endsWith('.wasm'))) {
  copyFileSync(path.join(wasmFolder, file), path.join(outdir, file));
}
// ES modules with .js names, as the worker entry's name must be.
// Its name and version are what `unet --version` reads (cli_version.ts).
const { name, version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
writeFileSync(path.join(outdir, 'package.json'), `${JSON.stringify({ name, version, type: 'module', private: true }, null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), path.join(outdir, 'unet.js'))} (run it with node; see the header of scripts/bundle.mjs)`);
