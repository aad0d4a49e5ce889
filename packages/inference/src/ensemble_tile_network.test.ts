import type { ImageArray } from '@unet/core';
import { createUNet, presetConfig, type UNet } from '@unet/model';
import { describeWithBackends, expectArraysClose } from '@unet/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensembleTileNetwork } from './ensemble_tile_network.js';
import { SegmentImageError } from './errors.js';
import { segmentImage } from './segment_image.js';
import { tfjsTileNetwork } from './tile_network.js';

/** A seeded ramp with a little noise // [height, width, 1] */
function image(height: number, width: number): ImageArray {
  let state = 7;
  const data = Float32Array.from({ length: height * width }, (_, index) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return 0.5 * (state / 2147483648) + (index % width) / width / 2;
  });
  return { data, height, width, channels: 1 };
}

describeWithBackends('ensembleTileNetwork', () => {
  let first: UNet;
  let second: UNet;
  let third: UNet;
  beforeAll(() => {
    first = createUNet(presetConfig('small', { baseChannels: 4, depth: 2, seed: 11 }));
    second = createUNet(presetConfig('small', { baseChannels: 4, depth: 2, seed: 12 }));
    third = createUNet(presetConfig('small', { baseChannels: 4, depth: 2, seed: 13 }));
  });
  afterAll(() => {
    for (const model of [first, second, third]) model.dispose();
  });

  it("segments with the mean of the networks' class probabilities, averaged by hand from each network's own segmentation", async () => {
    const picture = image(45, 61);
    const options = { outputTileSize: 16, contextMargin: 8 };
    const alone = await Promise.all([first, second, third].map((model) => segmentImage(model, picture, options)));
    const together = await segmentImage(ensembleTileNetwork([first, second, third].map(tfjsTileNetwork)), picture, options);
    const handAveraged = alone[0]!.probabilities.map(
      (value, index) => (value + alone[1]!.probabilities[index]! + alone[2]!.probabilities[index]!) / 3,
    );
    expectArraysClose(together.probabilities, handAveraged, 1e-6);
    // The networks differ, so the mean is not one of them.
    expect(Math.max(...together.probabilities.map((value, index) => Math.abs(value - alone[0]!.probabilities[index]!)))).toBeGreaterThan(
      1e-3,
    );
  });

  it('averages test-time augmentation too: each network averages its 8 transforms, then the networks are averaged', async () => {
    const picture = image(16, 16);
    const options = { outputTileSize: 16, tta: true };
    const [a, b] = await Promise.all([first, second].map((model) => segmentImage(model, picture, options)));
    const together = await segmentImage(ensembleTileNetwork([tfjsTileNetwork(first), tfjsTileNetwork(second)]), picture, options);
    expectArraysClose(
      together.probabilities,
      a!.probabilities.map((value, index) => (value + b!.probabilities[index]!) / 2),
      1e-6,
    );
  });

  it('refuses networks that would cut other tiles or classes, naming what differs', () => {
    const deeper = createUNet(presetConfig('small', { baseChannels: 4, depth: 3, seed: 1 }));
    const threeClasses = createUNet(presetConfig('small', { baseChannels: 4, depth: 2, classes: 3, seed: 1 }));
    try {
      expect(() => ensembleTileNetwork([tfjsTileNetwork(first), tfjsTileNetwork(deeper)])).toThrow(SegmentImageError);
      expect(() => ensembleTileNetwork([tfjsTileNetwork(first), tfjsTileNetwork(deeper)])).toThrow(
        /network 1 differs in depth 3 \(network 0 has 2\)/,
      );
      expect(() => ensembleTileNetwork([tfjsTileNetwork(first), tfjsTileNetwork(threeClasses)])).toThrow(/classes 3 \(network 0 has 2\)/);
      expect(() => ensembleTileNetwork([])).toThrow(/at least one/);
    } finally {
      deeper.dispose();
      threeClasses.dispose();
    }
  });
});
