import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { segmentImage } from '@unet/inference';
import { createUNet, type UNetConfig } from '@unet/model';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportUNetToOnnx } from './export_graph.js';
import { onnxRuntimeTileNetwork } from './onnx_runtime_tile_network.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function image(width: number, height: number, channels: number) {
  const data = new Float32Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = (Math.sin(i * 0.37) + 1) / 2;
  return { width, height, channels, data };
}

describe('onnxRuntimeTileNetwork in segmentImage', () => {
  const variants: Partial<UNetConfig>[] = [
    { baseChannels: 4, depth: 2, seed: 2 },
    { baseChannels: 4, depth: 2, padding: 'same', normalization: 'batch', convolutionBias: false, dropout: 0, seed: 2 },
  ];
  for (const config of variants) {
    for (const tta of [false, true]) {
      it(`gives the tfjs path's probabilities (${config.padding ?? 'valid'}, tta ${tta})`, async () => {
        const model = createUNet(config);
        const network = await onnxRuntimeTileNetwork(ort, exportUNetToOnnx(model), model.config, { intraOpNumThreads: 1 });
        const picture = image(37, 29, 1);
        const options = { outputTileSize: 16, tta };
        const ours = await segmentImage(model, picture, options);
        const theirs = await segmentImage(network, picture, options);
        expect(theirs.probabilities.length).toBe(ours.probabilities.length);
        let difference = 0;
        for (let i = 0; i < ours.probabilities.length; i++)
          difference = Math.max(difference, Math.abs(ours.probabilities[i] - theirs.probabilities[i]));
        expect(difference).toBeLessThan(1e-5);
        await network.release();
        model.dispose();
      });
    }
  }
});
