import * as tf from '@tensorflow/tfjs-core';
import '@unet/core/register-gradients';
import { createUNet, presetConfig } from '@unet/model';
import { createOptimizer, fit, weightedCrossEntropyLoss } from '@unet/train';
import { describeWithBackends } from '@unet/test-utils';
import { expect, it } from 'vitest';

// A batch of 2 images of 32 x 32 with a weight map, the same for every step index. At 16 x 16,
// batch norm at the bottom (1 x 1) sees 2 values per channel, and the runs of cpu and of
// tfjs-backend-webgpu's own kernels part after 2 steps; at 32 x 32 (8 values) they agree.
function batchSource() {
  const size = 32;
  const pixels = 2 * size * size;
  return {
    batch: () => ({
      batchSize: 2,
      inputHeight: size,
      inputWidth: size,
      channels: 1,
      outputHeight: size,
      outputWidth: size,
      images: Float32Array.from({ length: pixels }, (_, index) => Math.sin(index * 0.37) * 0.5 + 0.5),
      masks: Int32Array.from({ length: pixels }, (_, index) => (Math.sin(index * 0.11) > 0.2 ? 1 : 0)),
      weights: Float32Array.from({ length: pixels }, (_, index) => 1 + (index % 5)),
    }),
  };
}

async function losses(backend: string): Promise<number[]> {
  tf.setBackend(backend);
  const model = createUNet(presetConfig('small', { seed: 8, baseChannels: 2 }));
  const optimizer = createOptimizer({ name: 'adam', learningRate: 1e-3 });
  const stepLosses: number[] = [];
  await fit({
    model,
    batches: batchSource(),
    steps: 3,
    loss: weightedCrossEntropyLoss(),
    optimizer,
    readbackEvery: 2,
    callbacks: { onStep: (info) => void stepLosses.push(info.loss) },
  });
  optimizer.dispose();
  model.dispose();
  return stepLosses;
}

// The kernels replace tfjs's on the whole step; this checks that they train as the cpu backend does.
describeWithBackends(
  "fit on webgpu: @unet/train's loop with our convolutions, batch norm, loss and Adam",
  (backend) => {
    it("takes cpu's losses step for step (relative 1e-4 over 3 Adam steps)", async () => {
      const expected = await losses('cpu');
      const gpu = await losses(backend);
      if (process.env.UNET_REPORT_DIFFERENCES === '1') console.log(JSON.stringify({ expected, gpu }));
      expect(gpu).toHaveLength(3);
      // The steps learn (the loss falls), and alike on both backends.
      expect(expected[2]).toBeLessThan(expected[0]);
      for (const [index, loss] of expected.entries()) expect(Math.abs(gpu[index] - loss)).toBeLessThanOrEqual(1e-4 * loss);
    });
  },
  ['webgpu'],
);
