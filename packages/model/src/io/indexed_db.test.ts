import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@unet/core';
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetConfig } from '../presets.js';
import { createUNet } from '../unet.js';
import { loadUNet, saveUNet } from './save_load.js';

// tfjs's 'indexeddb://' handler is the one a browser app (the demo) saves to. It only answers
// in a browser; here fake-indexeddb stands in for the browser's IndexedDB and the IS_BROWSER
// flag is raised for this file alone.
describe("tfjs's IndexedDB handler", () => {
  let wasBrowser: boolean;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    wasBrowser = tf.env().getBool('IS_BROWSER');
    tf.env().set('IS_BROWSER', true);
    // tfjs looks IndexedDB up on `window`, or on `self` in a worker.
    (globalThis as { self?: unknown }).self = globalThis;
  });
  afterAll(() => {
    tf.env().set('IS_BROWSER', wasBrowser);
    delete (globalThis as { self?: unknown }).self;
  });

  it('saves and loads a U-Net bit-exactly by an indexeddb:// URL', async () => {
    const model = createUNet(presetConfig('small', { baseChannels: 4, seed: 9 }));
    model.metadata = { labelValues: [0, 255] };
    await saveUNet(model, 'indexeddb://unet-test');
    const loaded = await loadUNet('indexeddb://unet-test');
    expect(loaded.config).toEqual(model.config);
    expect(loaded.metadata).toEqual({ labelValues: [0, 255] });
    for (const [index, weight] of model.namedWeights().entries()) {
      const other = loaded.namedWeights()[index];
      expect(other.name).toBe(weight.name);
      expect(Buffer.from(other.variable.dataSync().buffer)).toEqual(Buffer.from(weight.variable.dataSync().buffer));
    }
    model.dispose();
    loaded.dispose();
  });
});
