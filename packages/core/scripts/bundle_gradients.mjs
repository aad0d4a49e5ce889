// Builds dist/register_gradients.node.js: tfjs-core's own gradient registration
// (dist/register_all_gradients.js of its ESM build) as one ESM file that Node can import.
//
// Why: tfjs-core's Node entry (CommonJS) registers no gradients, and its ESM build cannot be
// imported by Node because its relative imports have no file extensions. The bundled copy of
// the ops that the gradients call is harmless: tfjs-core keeps its engine, its kernel and
// gradient registries and its Tensor class on the global object, so the bundled gradients
// register into, and run on, the one engine the application uses.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(path.join(packageRoot, 'package.json'));
const tfjsCoreRoot = path.dirname(require.resolve('@tensorflow/tfjs-core/package.json'));

await build({
  entryPoints: [path.join(tfjsCoreRoot, 'dist', 'register_all_gradients.js')],
  outfile: path.join(packageRoot, 'dist', 'register_gradients.node.js'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The ops pull in tfjs-core's platform code, which may require these optionally.
  external: ['node-fetch', 'util', 'crypto', 'fs', 'path'],
  legalComments: 'eof',
  // The real tfjs-core must load before the bundled copy of its ops: whichever loads first puts
  // its Tensor class on the global object, and only the real one has the chained ops (x.clone())
  // that some gradients call. This import runs first whatever order the application imports in.
  banner: { js: "import '@tensorflow/tfjs-core';" },
  logLevel: 'warning',
});
// The node file has the same (empty) type surface as the browser one.
await copyFile(
  path.join(packageRoot, 'dist', 'register_gradients.browser.d.ts'),
  path.join(packageRoot, 'dist', 'register_gradients.node.d.ts'),
);
