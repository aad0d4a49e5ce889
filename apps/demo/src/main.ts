import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
// Also registers tfjs-core's gradients, which the training panel needs.
import '@unet/core';
import { exclusive, reportError, setStatus, state } from './app/state.js';
import { ui } from './app/ui.js';
import { api, wire } from './app/wiring.js';
import { isBackendName } from './backends/select_backend.js';
import { addModelOption, loadShipped, rebuildModel, switchBackend, useModel } from './model/model_panel.js';
import { readManifest } from './model/model_source.js';
import { loadSamples } from './segment/segment_panel.js';

(window as unknown as { unetDemo: typeof api }).unetDemo = api;

/** The page's start: the backend, the manifest's first model, the samples; one operation. */
async function start(): Promise<void> {
  // tfjs would fetch its wasm files from a CDN; the app serves its own copies (vite.config.ts).
  setWasmPaths(new URL(`${__WASM_FOLDER__}/`, document.baseURI).href);
  // tfjs 4.22's threaded wasm build hands its workers the factory's source text, which a
  // minifying bundler breaks ("e is not defined" in every worker, and the backend never starts).
  // One thread with SIMD is what Node's tfjs-backend-wasm uses too.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  wire();
  const requested = new URLSearchParams(location.search).get('backend') ?? 'auto';
  ui.backendSelect.value = isBackendName(requested) ? requested : 'auto';
  await exclusive(async () => {
    await switchBackend(isBackendName(requested) ? requested : 'auto', false);
    const base = document.baseURI;
    const manifest = await readManifest(base);
    if (manifest.length === 0) addModelOption('', '(none shipped yet)');
    // The first shipped model loads now, the others when chosen.
    for (const entry of manifest) {
      state.shippedModels.set(`shipped-${entry.name}`, entry);
      addModelOption(`shipped-${entry.name}`, entry.label);
    }
    if (manifest.length > 0) {
      await useModel(`shipped-${manifest[0].name}`, await loadShipped(manifest[0]), false);
    } else {
      rebuildModel();
    }
    await loadSamples();
    setStatus(
      state.model === null
        ? 'Ready: load a model folder or train one below, then pick an image.'
        : 'Ready: pick a sample or open an image.',
      'ready',
    );
  });
}

void start().catch(reportError);
