import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type Plugin, defineConfig } from 'vite';

/**
 * Cross-origin isolation (COOP + COEP) gives the page SharedArrayBuffer, which the wasm
 * backend's threaded build needs; without it tfjs falls back to one thread. Static hosts get
 * the same headers from public/_headers (Netlify, Cloudflare Pages); see the README for others.
 */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Where the app serves tfjs-backend-wasm's binaries; main.ts passes it to setWasmPaths. */
const WASM_FOLDER = 'tfjs-wasm';

/**
 * Serves the .wasm files of @tensorflow/tfjs-backend-wasm under /tfjs-wasm/ in dev and copies
 * them into the build, so that the static site needs no CDN (tfjs's default) and works offline.
 */
function tfjsWasmFiles(): Plugin {
  const require = createRequire(import.meta.url);
  const folder = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const distFolder = path.join(folder, 'dist');
  const files = readdirSync(distFolder).filter((name) => name.endsWith('.wasm'));
  return {
    name: 'unet-demo:tfjs-wasm-files',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const name = request.url?.split('?')[0].match(new RegExp(`/${WASM_FOLDER}/([^/]+\\.wasm)$`))?.[1];
        if (name === undefined || !files.includes(name)) return next();
        response.setHeader('Content-Type', 'application/wasm');
        response.end(readFileSync(path.join(distFolder, name)));
      });
    },
    generateBundle() {
      for (const name of files) {
        this.emitFile({ type: 'asset', fileName: `${WASM_FOLDER}/${name}`, source: readFileSync(path.join(distFolder, name)) });
      }
    },
  };
}

/**
 * The trained models of the repository's models/ folder (each a model.json + weights from
 * `unet train`), served under /models/<name>/ in dev and copied into the build, so that the
 * demo ships the same files the trainer's users download, not a copy of them.
 */
function shippedModels(): Plugin {
  const modelsFolder = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'models');
  const models = (() => {
    try {
      return readdirSync(modelsFolder).filter((name) => readdirSync(path.join(modelsFolder, name)).includes('model.json'));
    } catch {
      return [];
    }
  })();
  const filesOf = (name: string) =>
    readdirSync(path.join(modelsFolder, name)).filter((file) => file === 'model.json' || file.endsWith('.bin'));
  return {
    name: 'unet-demo:shipped-models',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const match = request.url?.split('?')[0].match(/\/models\/([^/]+)\/([^/]+)$/);
        if (match === null || match === undefined || !models.includes(match[1]) || !filesOf(match[1]).includes(match[2])) return next();
        response.setHeader('Content-Type', match[2].endsWith('.json') ? 'application/json' : 'application/octet-stream');
        response.end(readFileSync(path.join(modelsFolder, match[1], match[2])));
      });
    },
    generateBundle() {
      for (const name of models) {
        for (const file of filesOf(name)) {
          this.emitFile({ type: 'asset', fileName: `models/${name}/${file}`, source: readFileSync(path.join(modelsFolder, name, file)) });
        }
      }
    },
  };
}

export default defineConfig({
  // Relative asset paths: the built site works from any folder of any static server.
  base: './',
  plugins: [tfjsWasmFiles(), shippedModels()],
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  // onnxruntime-web finds its .wasm at `new URL('ort-wasm-simd-threaded.jsep.wasm', import.meta.url)`:
  // the build copies that file into assets/ and rewrites the URL (no CDN); in dev it must be served
  // from the package's own dist/, so it is not pre-bundled into .vite/deps (where the file is not).
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  // The segmentation worker is a module worker (segment_client.ts), so that it can share chunks with the page.
  worker: { format: 'es' },
  define: { __WASM_FOLDER__: JSON.stringify(WASM_FOLDER) },
});
